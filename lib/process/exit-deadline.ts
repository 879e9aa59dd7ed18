// A shutdown that always ends: after SIGTERM the process exits by this deadline even if a
// step of its graceful shutdown hangs (a database that does not answer, a stuck connection).

/** Exits the process with `code` after `ms` unless it has exited before; the timer never keeps it alive. */
export function exitAfter(ms: number, code = 1): void {
  setTimeout(() => process.exit(code), ms).unref();
}
