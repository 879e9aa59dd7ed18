// Recognising "the database is down" among errors from pg and Prisma, for the API (503) and
// the scheduler (keep the result, retry the write).

// Network errors from pg, PostgreSQL's shutdown/connection SQLSTATEs, and Prisma's
// "cannot reach / timed out / connection closed" codes: the database is down, not the request.
const DB_DOWN_CODES = new Set([
  "ECONNREFUSED",
  "ECONNRESET",
  "ETIMEDOUT",
  "EPIPE",
  "57P01",
  "57P02",
  "57P03",
  "08000",
  "08001",
  "08003",
  "08006",
  "P1001",
  "P1002",
  "P1008",
  "P1017",
  "P2024",
]);

// "not queryable": pg's answer for a client whose connection already broke (a pooled client
// handed out just as the postmaster died).
const DB_DOWN_MESSAGE =
  /Connection terminated|connect ECONNREFUSED|timeout exceeded when trying to connect|Can't reach database server|the database system is (shutting down|starting up|in recovery mode)|Client has encountered a connection error and is not queryable|terminating connection due to (unexpected postmaster exit|administrator command)/;

export function isDatabaseDown(e: unknown): boolean {
  const code = (e as { code?: string } | null)?.code ?? "";
  const msg = e instanceof Error ? e.message : "";
  return DB_DOWN_CODES.has(code) || DB_DOWN_MESSAGE.test(msg);
}
