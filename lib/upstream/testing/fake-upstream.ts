// A fake upstream homeserver for mirror-mode tests: a real HTTP server on loopback (port 0)
// serving Synapse's federation admin API (synapse/rest/admin/federation.py: list, details,
// rooms, reset_connection) from an in-memory table, with Synapse's paging (order_by, dir, from,
// limit, total, next_token), a bearer token, request counters and fault switches. Framework-free:
// unit tests and Playwright tests start it alike. Over ~150 lines because it is one server: the
// table, its answers and its faults read best together.
//
// NULL timings stay NULL in the table. With `nullsFirst` they sort as PostgreSQL sorts NULLs
// (ASC last, DESC first), so `order_by=retry_last_ts&dir=b` starts with them as on a Synapse on
// PostgreSQL; without it they sort as 0, as our own API does. Listed, they read 0 (current
// Synapse) or null (`legacyNulls`: Synapse before #16729).
import http, { type IncomingMessage, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";

export type FakeRoom = { roomId: string; streamOrdering: bigint };
export type FakeRow = {
  destination: string;
  retryLastTs: bigint | null;
  retryInterval: bigint | null;
  failureTs: bigint | null;
  lastSuccessfulStreamOrdering: bigint | null;
  rooms?: FakeRoom[];
};
/** A row sent verbatim (`json`), placed by `sortKey` in destination order (bad rows, duplicates). */
export type RawRow = { sortKey: string; json: string; retryLastTs?: bigint | null };

export type FakeFaults = {
  /** Every request answers 401 M_UNKNOWN_TOKEN (or 403 M_FORBIDDEN with `forbidden`). */
  unauthorized?: boolean;
  forbidden?: boolean;
  /** Every request is accepted and never answered. */
  hang?: boolean;
  /** List requests from this one on (0 = the first since setFaults) answer 500. */
  failListFrom?: number;
  /** This list request answers 200 with an HTML body. */
  nonJsonList?: number;
  /** From list request `from` on, `total` is off by `delta`. */
  totalDelta?: { from: number; delta: bigint };
  /** Rooms pages hold the rooms of every destination, total stays right (Synapse 1.67–1.106, #17077). */
  roomsOfEveryDestination?: boolean;
  /** Every request answers 302 to this URL. */
  redirectTo?: string;
  /** Error answers quote the request's Authorization header (a careless proxy). */
  echoAuthorization?: boolean;
};

export type FakeUpstreamOptions = {
  token?: string;
  nullsFirst?: boolean;
  legacyNulls?: boolean;
  host?: "127.0.0.1" | "::1";
  rows?: FakeRow[];
};

const BASE = "/_synapse/admin/v1/federation/destinations";
const COLUMNS = ["destination", "retry_last_ts", "retry_interval", "failure_ts", "last_successful_stream_ordering"];
type Entry = { key: string; row?: FakeRow; raw?: RawRow };
type Reply = { status: number; body: string; type?: string };

class Answer extends Error {
  constructor(
    readonly status: number,
    readonly errcode: string,
    readonly error: string,
  ) {
    super(error);
  }
}

const int = (v: bigint | null): string => (v === null ? "null" : v.toString());

export class FakeUpstream {
  readonly token: string;
  readonly table = new Map<string, FakeRow>();
  rawRows: RawRow[] = [];
  faults: FakeFaults = {};
  /** Status a reset of that destination answers instead of Synapse's rules (200, 400, 404, 500). */
  readonly resetAnswers = new Map<string, number>();
  /** Called before each list request is answered, with its index since setFaults (mutate the table here). */
  onListRequest?: (index: number) => void;
  /** Requests by "METHOD /path" (path decoded, query dropped). */
  readonly requests = new Map<string, number>();
  readonly log: { method: string; path: string; query: URLSearchParams }[] = [];
  connections = 0;
  private listIndex = 0;
  url = "";

  private constructor(
    private readonly options: FakeUpstreamOptions,
    private readonly server: http.Server,
  ) {
    this.token = options.token ?? "fake-upstream-token";
    for (const row of options.rows ?? []) this.set(row);
  }

  static async start(options: FakeUpstreamOptions = {}): Promise<FakeUpstream> {
    const server = http.createServer();
    const fake = new FakeUpstream(options, server);
    server.on("connection", () => fake.connections++);
    server.on("request", (req, res) => fake.handle(req, res));
    const host = options.host ?? "127.0.0.1";
    await new Promise<void>((resolve) => server.listen(0, host, resolve));
    const { port } = server.address() as AddressInfo;
    fake.url = `http://${host === "::1" ? "[::1]" : host}:${port}`;
    return fake;
  }

  set(row: FakeRow): void {
    this.table.set(row.destination, { ...row });
  }
  remove(name: string): void {
    this.table.delete(name);
  }
  setFaults(faults: FakeFaults): void {
    this.faults = faults;
    this.listIndex = 0;
  }
  /** Requests made to `METHOD path` (e.g. count("GET", "/_synapse/admin/v1/federation/destinations")). */
  count(method: string, path: string): number {
    return this.requests.get(`${method} ${path}`) ?? 0;
  }
  listRequests(): number {
    return this.count("GET", BASE);
  }
  resetRequests(name: string): number {
    return this.count("POST", `${BASE}/${name}/reset_connection`);
  }
  clearCounters(): void {
    this.requests.clear();
    this.log.length = 0;
    this.connections = 0;
  }

  async close(): Promise<void> {
    this.server.closeAllConnections();
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
  }

  private handle(req: IncomingMessage, res: ServerResponse): void {
    const u = new URL(req.url ?? "/", "http://fake");
    let segments: string[];
    try {
      segments = u.pathname.split("/").map((s) => decodeURIComponent(s));
    } catch {
      segments = u.pathname.split("/");
    }
    const path = segments.join("/");
    const key = `${req.method} ${path}`;
    this.requests.set(key, (this.requests.get(key) ?? 0) + 1);
    this.log.push({ method: req.method ?? "", path, query: u.searchParams });
    req.resume();
    if (this.faults.hang) return;
    if (this.faults.redirectTo) {
      res.writeHead(302, { Location: this.faults.redirectTo });
      res.end();
      return;
    }
    const reply = this.answer(req, segments, u.searchParams);
    res.writeHead(reply.status, {
      "Content-Type": reply.type ?? "application/json",
      "Cache-Control": "no-cache, no-store, must-revalidate",
    });
    res.end(reply.body);
  }

  private answer(req: IncomingMessage, segments: string[], q: URLSearchParams): Reply {
    try {
      this.authenticate(req.headers.authorization);
      const base = BASE.split("/");
      const rest = segments.slice(base.length);
      const method = req.method;
      if (segments.slice(0, base.length).join("/") === BASE) {
        if (rest.length === 0 && method === "GET") return this.list(q);
        if (rest.length === 1 && method === "GET") return { status: 200, body: this.details(rest[0]) };
        if (rest.length === 2 && rest[1] === "rooms" && method === "GET") {
          return { status: 200, body: this.rooms(rest[0], q) };
        }
        if (rest.length === 2 && rest[1] === "reset_connection" && method === "POST") {
          return { status: 200, body: this.reset(rest[0]) };
        }
      }
      throw new Answer(404, "M_UNRECOGNIZED", "Unrecognized request");
    } catch (e) {
      if (!(e instanceof Answer)) {
        console.error("fake upstream:", e);
        return { status: 500, body: JSON.stringify({ errcode: "M_UNKNOWN", error: "Internal server error" }) };
      }
      const echo = this.faults.echoAuthorization ? ` (you sent ${req.headers.authorization ?? "nothing"})` : "";
      return { status: e.status, body: JSON.stringify({ errcode: e.errcode, error: e.error + echo }) };
    }
  }

  private authenticate(header: string | undefined): void {
    if (header === undefined) throw new Answer(401, "M_MISSING_TOKEN", "Missing access token");
    if (this.faults.unauthorized || header !== `Bearer ${this.token}`) {
      throw new Answer(401, "M_UNKNOWN_TOKEN", "Invalid access token passed.");
    }
    if (this.faults.forbidden) throw new Answer(403, "M_FORBIDDEN", "You are not a server admin");
  }

  private list(q: URLSearchParams): Reply {
    const index = this.listIndex++;
    this.onListRequest?.(index);
    const f = this.faults;
    if (f.failListFrom !== undefined && index >= f.failListFrom)
      throw new Answer(500, "M_UNKNOWN", "Internal server error");
    if (f.nonJsonList === index) {
      return { status: 200, body: "<html><body>502 Bad Gateway</body></html>", type: "text/html" };
    }
    const from = param(q, "from", 0);
    const limit = param(q, "limit", 100);
    const orderBy = q.get("order_by") ?? "destination";
    if (!COLUMNS.includes(orderBy)) throw new Answer(400, "M_INVALID_PARAM", "Unknown value for order_by");
    const desc = direction(q);
    const entries: Entry[] = [
      ...[...this.table.values()].map((row) => ({ key: row.destination, row })),
      ...this.rawRows.map((raw) => ({ key: raw.sortKey, raw })),
    ];
    entries.sort((a, b) => this.compare(a, b, orderBy, desc));
    const page = entries.slice(from, from + limit);
    let total = BigInt(entries.length);
    if (f.totalDelta && index >= f.totalDelta.from) total += f.totalDelta.delta;
    const next = BigInt(from + limit) < total ? `,"next_token":"${from + page.length}"` : "";
    const items = page.map((e) => (e.raw ? e.raw.json : this.listItem(e.row!)));
    return { status: 200, body: `{"destinations":[${items.join(",")}],"total":${total}${next}}` };
  }

  private listItem(r: FakeRow): string {
    const nul = (v: bigint | null) => (v === null && !this.options.legacyNulls ? "0" : int(v));
    return (
      `{"destination":${JSON.stringify(r.destination)},"retry_last_ts":${nul(r.retryLastTs)},` +
      `"retry_interval":${nul(r.retryInterval)},"failure_ts":${int(r.failureTs)},` +
      `"last_successful_stream_ordering":${int(r.lastSuccessfulStreamOrdering)}}`
    );
  }

  /** <column> <dir> with PostgreSQL's NULL order, then destination ASC (byte order). */
  private compare(a: Entry, b: Entry, orderBy: string, desc: boolean): number {
    if (orderBy !== "destination") {
      const va = this.value(a, orderBy);
      const vb = this.value(b, orderBy);
      if (va !== vb) {
        // NULL is larger than every value: last ascending, first descending.
        const c = va === null ? 1 : vb === null ? -1 : va < vb ? -1 : 1;
        return desc ? -c : c;
      }
    } else if (desc) return Buffer.compare(Buffer.from(b.key), Buffer.from(a.key));
    return Buffer.compare(Buffer.from(a.key), Buffer.from(b.key));
  }

  private value(e: Entry, column: string): bigint | null {
    const timing = column === "retry_last_ts" || column === "retry_interval";
    let v: bigint | null;
    if (e.raw) v = column === "retry_last_ts" ? (e.raw.retryLastTs ?? null) : null;
    else {
      const r = e.row!;
      v = {
        retry_last_ts: r.retryLastTs,
        retry_interval: r.retryInterval,
        failure_ts: r.failureTs,
        last_successful_stream_ordering: r.lastSuccessfulStreamOrdering,
      }[column]!;
    }
    return v === null && timing && !this.options.nullsFirst ? 0n : v;
  }

  private known(name: string): FakeRow {
    const row = this.table.get(name);
    if (!row) throw new Answer(404, "M_NOT_FOUND", "Unknown destination");
    return row;
  }

  /** Synapse's details: timings shown only while backing off (retry_last_ts non-zero). */
  private details(name: string): string {
    const r = this.known(name);
    const off = r.retryLastTs !== null && r.retryLastTs !== 0n;
    return (
      `{"destination":${JSON.stringify(r.destination)},"last_successful_stream_ordering":${int(r.lastSuccessfulStreamOrdering)},` +
      `"failure_ts":${off ? int(r.failureTs) : "null"},"retry_last_ts":${off ? int(r.retryLastTs) : "0"},` +
      `"retry_interval":${off ? int(r.retryInterval) : "0"}}`
    );
  }

  private rooms(name: string, q: URLSearchParams): string {
    const own = this.known(name).rooms ?? [];
    const from = param(q, "from", 0);
    const limit = param(q, "limit", 100);
    const desc = direction(q);
    const all = this.faults.roomsOfEveryDestination ? [...this.table.values()].flatMap((r) => r.rooms ?? []) : own;
    const sorted = [...all].sort((a, b) => (a.roomId < b.roomId ? -1 : a.roomId > b.roomId ? 1 : 0) * (desc ? -1 : 1));
    const page = sorted.slice(from, from + limit);
    const total = own.length;
    const next = from + limit < total ? `,"next_token":"${from + page.length}"` : "";
    const items = page.map((r) => `{"room_id":${JSON.stringify(r.roomId)},"stream_ordering":${r.streamOrdering}}`);
    return `{"rooms":[${items.join(",")}],"total":${total}${next}}`;
  }

  /** Synapse's rules (unknown → 404, not backing off → 400, else cleared), unless resetAnswers says otherwise. */
  private reset(name: string): string {
    const forced = this.resetAnswers.get(name);
    if (forced === 500) throw new Answer(500, "M_UNKNOWN", "Internal server error");
    if (forced === 404) throw new Answer(404, "M_NOT_FOUND", "Unknown destination");
    const row = this.known(name);
    if (forced === 400 || (forced === undefined && !row.retryLastTs)) {
      throw new Answer(400, "M_UNKNOWN", "The retry timing does not need to be reset for this destination.");
    }
    Object.assign(row, { failureTs: null, retryLastTs: 0n, retryInterval: 0n });
    return "{}";
  }
}

function param(q: URLSearchParams, name: string, fallback: number): number {
  const v = q.get(name);
  if (v === null) return fallback;
  if (!/^\d{1,15}$/.test(v))
    throw new Answer(400, "M_INVALID_PARAM", `Query parameter ${name} must be a positive integer.`);
  return Number(v);
}

function direction(q: URLSearchParams): boolean {
  const d = q.get("dir") ?? "f";
  if (d !== "f" && d !== "b")
    throw new Answer(400, "M_INVALID_PARAM", "Query parameter 'dir' must be one of ['b', 'f']");
  return d === "b";
}
