// The two anchors of `npm run bench`, on bare node:http (no Next, no auth, no Request/Response
// objects), in a child process of their own:
//
//   /ours/destinations…     our own lib/ functions (listDestinations, getDestination, …) and
//                           JSON writers: the floor of our stack for the same work.
//   /ours-auth/destinations…  the same after the API's token check (lib/auth/tokens.ts
//                           resolveToken): splits the server's cost over the floor into "token
//                           check" and "the rest" (Next's process, the fetch-style adapter).
//   /synapse/destinations…  Synapse's own SQL (synapse/storage/databases/main/transactions.py,
//                           get_destinations_paginate & co.) on Synapse's table shape
//                           (schema "synapse": destinations with only its primary key), each
//                           read in a REPEATABLE READ transaction as Synapse's runInteraction does.
//
// Every answer carries `x-sql-ms`: the time spent in the database calls (SQL level).
// Env: DATABASE_URL, BENCH_POOL_SIZE (default 10, as the server's DATABASE_POOL_SIZE).
// Prints {"port":N} on stdout once listening on 127.0.0.1.
import http from "node:http";
import pg from "pg";
import { AppError } from "../lib/errors";
import { withTransaction } from "../lib/db/transaction";
import { CLI_PRINCIPAL } from "../lib/auth/principal";
import { toJson } from "../lib/http/json";
import { API_HEADERS } from "../lib/http/respond";
import { toMatrixError } from "../lib/http/matrix-errors";
import { parseChoice, parseDirection, parseNonNegativeInteger } from "../lib/http/params";
import { listDestinations } from "../lib/destinations/list-destinations";
import { assertDestinationExists, getDestination } from "../lib/destinations/get-destination";
import { listDestinationRooms } from "../lib/destinations/list-destination-rooms";
import { resetConnection } from "../lib/destinations/reset-connection";
import { destinationsPageJson, detailsJson, roomsPageJson } from "../lib/destinations/serialize";
import { SORT_COLUMNS } from "../lib/destinations/types";
import { resolveToken } from "../lib/auth/tokens";
import { requireRole, type Principal } from "../lib/auth/principal";

const url = process.env.DATABASE_URL;
if (!url) throw new Error("DATABASE_URL is required");
const max = Number(process.env.BENCH_POOL_SIZE ?? 10);
const ours = new pg.Pool({ connectionString: url, max });
const synapse = new pg.Pool({ connectionString: url, max, options: "-c search_path=synapse" });

function bearer(h: http.IncomingHttpHeaders): string {
  const m = /^Bearer\s+(\S+)\s*$/i.exec(h.authorization ?? "");
  if (!m) throw new AppError("missing_token", "Missing access token");
  return m[1];
}

/** The API's token check, as lib/http/api-router.ts makes it. */
async function authApi(h: http.IncomingHttpHeaders): Promise<Principal> {
  const p = await resolveToken(ours, bearer(h), "api");
  requireRole(p, "viewer", "use the admin API");
  return p;
}

type Answer = { status: number; body: string; sqlMs: number };

const ms = (t0: bigint) => Number(process.hrtime.bigint() - t0) / 1e6;

async function timed<T>(f: () => Promise<T>): Promise<[T, number]> {
  const t0 = process.hrtime.bigint();
  const v = await f();
  return [v, ms(t0)];
}

// --- our stack, minus Next, auth and the fetch-style adapter --------------------------------

async function oursRoute(method: string, segs: string[], q: URLSearchParams): Promise<Answer> {
  if (segs.length === 0 && method === "GET") {
    const from = parseNonNegativeInteger(q, "from", 0n);
    const limit = parseNonNegativeInteger(q, "limit", 100n);
    const orderBy = parseChoice(q, "order_by", SORT_COLUMNS, "destination");
    const dir = parseDirection(q);
    const search = q.get("destination") ?? undefined;
    const [page, sqlMs] = await timed(() =>
      listDestinations(ours, CLI_PRINCIPAL, { from, limit, orderBy, dir, search }),
    );
    return { status: 200, body: toJson(destinationsPageJson(page)), sqlMs };
  }
  if (segs.length === 1 && method === "GET") {
    const [d, sqlMs] = await timed(() => getDestination(ours, CLI_PRINCIPAL, segs[0]));
    return { status: 200, body: toJson(detailsJson(d)), sqlMs };
  }
  if (segs.length === 2 && segs[1] === "rooms" && method === "GET") {
    const t0 = process.hrtime.bigint();
    await assertDestinationExists(ours, segs[0]);
    const from = parseNonNegativeInteger(q, "from", 0n);
    const limit = parseNonNegativeInteger(q, "limit", 100n);
    const dir = parseDirection(q);
    const page = await listDestinationRooms(ours, CLI_PRINCIPAL, segs[0], { from, limit, dir });
    return { status: 200, body: toJson(roomsPageJson(page)), sqlMs: ms(t0) };
  }
  if (segs.length === 2 && segs[1] === "reset_connection" && method === "POST") {
    const [, sqlMs] = await timed(() => resetConnection(ours, CLI_PRINCIPAL, segs[0]));
    return { status: 200, body: "{}", sqlMs };
  }
  throw new AppError("unrecognized", "Unrecognized request");
}

// --- Synapse's SQL ---------------------------------------------------------------------------

const SYNAPSE_ORDER = new Set<string>(SORT_COLUMNS);
type SynRow = {
  destination: string;
  retry_last_ts: string | null;
  retry_interval: string | null;
  failure_ts: string | null;
  last_successful_stream_ordering: string | null;
};

/** Synapse's runInteraction: one transaction (REPEATABLE READ is Synapse's default on PostgreSQL). */
async function interaction<T>(f: (c: pg.PoolClient) => Promise<T>): Promise<T> {
  return withTransaction(synapse, f, { mode: "ISOLATION LEVEL REPEATABLE READ" });
}

const num = (v: string | null) => (v === null ? "null" : v);

async function synapseRoute(method: string, segs: string[], q: URLSearchParams): Promise<Answer> {
  if (segs.length === 0 && method === "GET") {
    const start = parseNonNegativeInteger(q, "from", 0n);
    const limit = parseNonNegativeInteger(q, "limit", 100n);
    const orderBy = parseChoice(q, "order_by", SORT_COLUMNS, "destination");
    if (!SYNAPSE_ORDER.has(orderBy)) throw new AppError("invalid_param", "order_by");
    const order = parseDirection(q) === "b" ? "DESC" : "ASC";
    const destination = q.get("destination");
    const t0 = process.hrtime.bigint();
    const { rows, count } = await interaction(async (txn) => {
      const args: unknown[] = [];
      let where = "";
      if (destination) {
        args.push("%" + destination.toLowerCase() + "%");
        where = "WHERE LOWER(destination) LIKE $1";
      }
      const base = `FROM destinations ${where} `;
      const count = BigInt(
        (await txn.query<{ total_destinations: string }>(`SELECT COUNT(*) as total_destinations ${base}`, args)).rows[0]
          .total_destinations,
      );
      const n = args.length;
      const rows = (
        await txn.query<SynRow>(
          `SELECT destination, retry_last_ts, retry_interval, failure_ts, last_successful_stream_ordering
           ${base} ORDER BY ${orderBy} ${order}, destination ASC LIMIT $${n + 1} OFFSET $${n + 2}`,
          [...args, limit.toString(), start.toString()],
        )
      ).rows;
      return { rows, count };
    });
    const sqlMs = ms(t0);
    const items = rows.map(
      (r) =>
        `{"destination":${JSON.stringify(r.destination)},"retry_last_ts":${r.retry_last_ts ?? 0},"retry_interval":${r.retry_interval ?? 0},"failure_ts":${num(r.failure_ts)},"last_successful_stream_ordering":${num(r.last_successful_stream_ordering)}}`,
    );
    const next = start + BigInt(rows.length) < count ? `,"next_token":"${start + BigInt(rows.length)}"` : "";
    return { status: 200, body: `{"destinations":[${items.join(",")}],"total":${count}${next}}`, sqlMs };
  }
  if (segs.length === 1 && method === "GET") {
    const t0 = process.hrtime.bigint();
    const r = await synapse.query<SynRow>(
      "SELECT destination, retry_last_ts, retry_interval, failure_ts, last_successful_stream_ordering FROM destinations WHERE destination = $1",
      [segs[0]],
    );
    const sqlMs = ms(t0);
    if (!r.rowCount) throw new AppError("not_found", "Unknown destination");
    const d = r.rows[0];
    const off = !d.retry_last_ts || d.retry_last_ts === "0";
    return {
      status: 200,
      body: `{"destination":${JSON.stringify(d.destination)},"last_successful_stream_ordering":${num(d.last_successful_stream_ordering)},"failure_ts":${off ? "null" : num(d.failure_ts)},"retry_last_ts":${off ? 0 : d.retry_last_ts},"retry_interval":${off ? 0 : d.retry_interval}}`,
      sqlMs,
    };
  }
  if (segs.length === 2 && segs[1] === "rooms" && method === "GET") {
    const t0 = process.hrtime.bigint();
    const known = await synapse.query("SELECT 1 FROM destinations WHERE destination = $1", [segs[0]]);
    if (!known.rowCount) throw new AppError("not_found", "Unknown destination");
    const start = parseNonNegativeInteger(q, "from", 0n);
    const limit = parseNonNegativeInteger(q, "limit", 100n);
    const order = parseDirection(q) === "b" ? "DESC" : "ASC";
    const { rows, count } = await interaction(async (txn) => {
      const count = BigInt(
        (
          await txn.query<{ total_rooms: string }>(
            "SELECT COUNT(*) as total_rooms FROM destination_rooms WHERE destination = $1",
            [segs[0]],
          )
        ).rows[0].total_rooms,
      );
      const rows = (
        await txn.query<{ room_id: string; stream_ordering: string }>(
          `SELECT room_id, stream_ordering FROM destination_rooms WHERE destination = $1 ORDER BY room_id ${order} LIMIT $2 OFFSET $3`,
          [segs[0], limit.toString(), start.toString()],
        )
      ).rows;
      return { rows, count };
    });
    const sqlMs = ms(t0);
    const next = start + BigInt(rows.length) < count ? `,"next_token":"${start + BigInt(rows.length)}"` : "";
    const items = rows.map((r) => `{"room_id":${JSON.stringify(r.room_id)},"stream_ordering":${r.stream_ordering}}`);
    return { status: 200, body: `{"rooms":[${items.join(",")}],"total":${count}${next}}`, sqlMs };
  }
  if (segs.length === 2 && segs[1] === "reset_connection" && method === "POST") {
    // DestinationResetConnectionRestServlet: is_destination_known, get_destination_retry_timings,
    // then set_destination_retry_timings(None, 0, 0) — an autocommit upsert.
    const t0 = process.hrtime.bigint();
    const known = await synapse.query("SELECT 1 FROM destinations WHERE destination = $1", [segs[0]]);
    if (!known.rowCount) throw new AppError("not_found", "Unknown destination");
    const t = await interaction((txn) =>
      txn.query<{ retry_last_ts: string | null }>(
        "SELECT failure_ts, retry_last_ts, retry_interval FROM destinations WHERE destination = $1",
        [segs[0]],
      ),
    );
    if (!t.rows[0]?.retry_last_ts || t.rows[0].retry_last_ts === "0") {
      throw new AppError("bad_request", "The retry timing does not need to be reset for this destination.");
    }
    await synapse.query(
      `INSERT INTO destinations (destination, failure_ts, retry_last_ts, retry_interval) VALUES ($1, $2, $3, $4)
       ON CONFLICT (destination) DO UPDATE SET failure_ts = EXCLUDED.failure_ts, retry_last_ts = EXCLUDED.retry_last_ts, retry_interval = EXCLUDED.retry_interval
       WHERE EXCLUDED.retry_interval = 0 OR EXCLUDED.retry_last_ts = 0 OR destinations.retry_interval IS NULL
          OR destinations.retry_interval < EXCLUDED.retry_interval OR destinations.retry_last_ts < EXCLUDED.retry_last_ts`,
      [segs[0], null, 0, 0],
    );
    return { status: 200, body: "{}", sqlMs: ms(t0) };
  }
  throw new AppError("unrecognized", "Unrecognized request");
}

// --- HTTP ----------------------------------------------------------------------------------

const server = http.createServer((req, res) => {
  req.resume();
  const u = new URL(req.url ?? "/", "http://localhost");
  const segs = u.pathname.split("/").slice(1).map(decodeURIComponent);
  const which = segs[0];
  const rest = segs.slice(2); // [which, "destinations", ...]
  const auth = which === "ours-auth" ? authApi : undefined;
  const route: typeof oursRoute | undefined =
    which === "ours"
      ? oursRoute
      : which === "synapse"
        ? synapseRoute
        : auth
          ? (m, r, q) => auth(req.headers).then(() => oursRoute(m, r, q))
          : undefined;
  const t0 = process.hrtime.bigint();
  const work =
    route && segs[1] === "destinations"
      ? route(req.method ?? "GET", rest, u.searchParams)
      : Promise.reject(new AppError("unrecognized", "Unrecognized request"));
  work
    .catch((e: unknown): Answer => {
      const m = toMatrixError(e);
      // Error answers (404, 400): the handler's time is its database calls.
      return { status: m.status, body: toJson(m.body as never), sqlMs: ms(t0) };
    })
    .then((a) => {
      res.writeHead(a.status, {
        ...API_HEADERS,
        "Content-Length": Buffer.byteLength(a.body),
        "x-sql-ms": a.sqlMs.toFixed(3),
      });
      res.end(a.body);
    });
});
server.keepAliveTimeout = 60_000;
server.listen(0, "127.0.0.1", () => {
  process.stdout.write(JSON.stringify({ port: (server.address() as { port: number }).port }) + "\n");
});
const stop = () => {
  server.close();
  server.closeAllConnections();
  void Promise.all([ours.end(), synapse.end()]).finally(() => process.exit(0));
};
process.on("SIGTERM", stop);
process.on("SIGINT", stop);
