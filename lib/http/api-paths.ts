// Which request paths are the HTTP API (answered by lib/http/api-router.ts) rather than the
// console: a module of its own, so that the Next proxy can tell them apart without loading the
// routes (and the database code behind them).

/** Path prefixes answered by the API router (everything else is the console). */
export const API_PATH_PREFIXES = [
  "/_synapse/",
  "/_matrix/",
  "/_fedconsole/",
  "/.well-known/matrix/",
  // The federation tester's API (lib/http/routes/federation-tester.ts).
  "/api/",
  "/metrics/",
];

export const isApiPath = (path: string) =>
  API_PATH_PREFIXES.some((p) => path.startsWith(p) || path === p.slice(0, -1) || path.startsWith(`${p.slice(0, -1)}?`));
