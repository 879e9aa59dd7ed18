// Writes to a closed stdout/stderr are dropped, not raised. When whatever reads the process's
// output goes away (a supervisor restarted, `| tee` interrupted, a CI runner gone), the next
// write fails with EPIPE. Unhandled, that error reaches the process's uncaughtException
// handler — Next's logs it with console.error to the same dead pipe, which fails again: a loop
// at 100 % CPU that also keeps SIGTERM from completing. The entry points (scripts/start.ts,
// scripts/scheduler.ts, fedctl) import this module first, before anything logs.
//
// Once a stream has failed it is destroyed by Node, and later writes to it are no-ops; there is
// nowhere left to report the failure, so it is not reported.

let installed = false;

export function dropWritesToClosedOutput(): void {
  if (installed) return;
  installed = true;
  for (const stream of [process.stdout, process.stderr]) {
    stream.on("error", () => {
      /* EPIPE and the like: the reader is gone; the output is dropped */
    });
  }
}

dropWritesToClosedOutput();
