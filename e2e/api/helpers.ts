// Shared helpers for the HTTP API specs (not a spec itself). Expectations are derived from the
// contract (../shared/DESIGN.md "HTTP API — Synapse-compatible" and
// ../shared/reference/synapse-responses.md), never from the server's own output.
import { JsonNumber, type JsonValue as ExactValue, parseJsonExact } from "../../lib/destinations/exact-json";
import { expect, tokens, type Role, type SeedDestination } from "../support/fixtures";

export const SYNAPSE_HEADERS = {
  "cache-control": "no-cache, no-store, must-revalidate",
  "access-control-allow-origin": "*",
  "access-control-allow-methods": "GET, HEAD, POST, PUT, DELETE, OPTIONS",
  // Synapse's list plus Accept, which browser admin UIs (Ketesa) send and need named explicitly.
  "access-control-allow-headers": "X-Requested-With, Content-Type, Authorization, Date",
} as const;

export const ERR = {
  missingToken: { errcode: "M_MISSING_TOKEN", error: "Missing access token" },
  unknownToken: { errcode: "M_UNKNOWN_TOKEN", error: "Invalid access token passed.", soft_logout: false },
  notFound: { errcode: "M_NOT_FOUND", error: "Unknown destination" },
  resetNotNeeded: { errcode: "M_UNKNOWN", error: "The retry timing does not need to be reset for this destination." },
  unrecognized: { errcode: "M_UNRECOGNIZED", error: "Unrecognized request" },
  orderBy: {
    errcode: "M_INVALID_PARAM",
    error:
      "Query parameter 'order_by' must be one of ['destination', 'retry_last_ts', 'retry_interval', 'failure_ts', 'last_successful_stream_ordering']",
  },
  dir: { errcode: "M_INVALID_PARAM", error: "Query parameter 'dir' must be one of ['b', 'f']" },
  negative: (name: string) => ({
    errcode: "M_INVALID_PARAM",
    error: `Query parameter ${name} must be a positive integer.`,
  }),
  notInteger: (name: string) => ({ errcode: "M_INVALID_PARAM", error: `Query parameter ${name} must be an integer` }),
};

export type Res = { status: number; text: string; json: () => any; headers: Record<string, string> };

/** A raw request with global fetch: full control over headers and body (no implicit Content-Type). */
export async function raw(
  method: string,
  path: string,
  opts: { role?: Role | null; headers?: Record<string, string>; body?: string } = {},
): Promise<Res> {
  const headers: Record<string, string> = { ...(opts.headers ?? {}) };
  if (opts.role) headers.Authorization = `Bearer ${tokens()[opts.role]}`;
  const res = await fetch(process.env.E2E_BASE_URL + path, { method, headers, body: opts.body, redirect: "manual" });
  const text = await res.text();
  const h: Record<string, string> = {};
  res.headers.forEach((v, k) => {
    h[k] = v;
  });
  return { status: res.status, text, json: () => JSON.parse(text), headers: h };
}

/** Content-Type is JSON and the body parses. */
export function expectJson(res: Res): any {
  expect(res.headers["content-type"], `content-type of ${res.status} ${res.text.slice(0, 200)}`).toMatch(
    /^application\/json\b/,
  );
  let body: unknown;
  expect(() => (body = JSON.parse(res.text)), `body is JSON: ${res.text.slice(0, 200)}`).not.toThrow();
  return body;
}

/** Synapse's admin headers (Content-Type JSON, no caching, CORS) as the reference lists them. */
export function expectSynapseHeaders(res: Res) {
  expect(res.headers["content-type"]).toMatch(/^application\/json\b/);
  // soft: report every deviating header of every response, not only the first
  for (const [k, v] of Object.entries(SYNAPSE_HEADERS))
    expect.soft(res.headers[k], `header ${k} (status ${res.status})`).toBe(v);
}

/**
 * The headers every API answer must have for a JSON + browser client to work: JSON content
 * type, no caching, and an open CORS origin. (The exact Access-Control-Allow-* values are
 * checked by expectSynapseHeaders in the dedicated CORS tests, so one deviation there does
 * not mask the other assertions of every test.)
 */
export function expectApiHeaders(res: Res) {
  expect(res.headers["content-type"]).toMatch(/^application\/json\b/);
  expect(res.headers["cache-control"]).toBe(SYNAPSE_HEADERS["cache-control"]);
  expect(res.headers["access-control-allow-origin"]).toBe("*");
}

/** An error response: exact status and exact body. */
export function expectError(res: Res, status: number, body: Record<string, unknown>) {
  expect(res.status, res.text.slice(0, 300)).toBe(status);
  expect(expectJson(res)).toEqual(body);
}

/** Any error response that is not a server failure: 4xx, JSON, a Matrix errcode. */
export function expectClientErrorJson(res: Res) {
  expect(res.status, res.text.slice(0, 300)).toBeGreaterThanOrEqual(400);
  expect(res.status, res.text.slice(0, 300)).toBeLessThan(500);
  const body = expectJson(res);
  expect(typeof body.errcode).toBe("string");
  expect(body.errcode).toMatch(/^M_[A-Z_]+$/);
  expect(typeof body.error).toBe("string");
  return body;
}

/** Why a response is not a JSON 4xx Matrix error, or null if it is one. */
export function notClientErrorJson(res: Res): string | null {
  const ct = res.headers["content-type"] ?? "";
  let body: any;
  try {
    body = JSON.parse(res.text);
  } catch {
    body = undefined;
  }
  const ok =
    res.status >= 400 &&
    res.status < 500 &&
    /^application\/json\b/.test(ct) &&
    body &&
    typeof body.errcode === "string" &&
    /^M_[A-Z_]+$/.test(body.errcode) &&
    typeof body.error === "string";
  return ok ? null : `${res.status} ${ct || "(no content-type)"} ${JSON.stringify(res.text.slice(0, 120))}`;
}

/** Byte-wise (C collation) comparison of two strings' UTF-8 encodings. */
export function cmpBytes(a: string, b: string): number {
  return Buffer.compare(Buffer.from(a, "utf8"), Buffer.from(b, "utf8"));
}

export const ORDER_COLUMNS = [
  "destination",
  "retry_last_ts",
  "retry_interval",
  "failure_ts",
  "last_successful_stream_ordering",
] as const;
export type OrderColumn = (typeof ORDER_COLUMNS)[number];

const big = (v: bigint | number | null | undefined): bigint | null =>
  v === null || v === undefined ? null : BigInt(v);

/** The stored value of a column as the seed writes it (retry_* default 0, the others NULL). */
export function stored(row: SeedDestination, col: Exclude<OrderColumn, "destination">): bigint | null {
  switch (col) {
    case "retry_last_ts":
      return big(row.retry_last_ts) ?? 0n;
    case "retry_interval":
      return big(row.retry_interval) ?? 0n;
    case "failure_ts":
      return big(row.failure_ts);
    case "last_successful_stream_ordering":
      return big(row.last_successful_stream_ordering);
  }
}

/** The contract's ordering: `<order_by> <dir>, destination ASC`, NULLs as the largest values (PostgreSQL). */
export function expectedOrder(
  rows: SeedDestination[],
  orderBy: OrderColumn = "destination",
  dir: "f" | "b" = "f",
): string[] {
  const sign = dir === "b" ? -1 : 1;
  return [...rows]
    .sort((x, y) => {
      let c: number;
      if (orderBy === "destination") c = cmpBytes(x.destination, y.destination);
      else {
        const a = stored(x, orderBy);
        const b = stored(y, orderBy);
        c = a === b ? 0 : a === null ? 1 : b === null ? -1 : a < b ? -1 : a > b ? 1 : 0;
      }
      if (c !== 0) return sign * c;
      return cmpBytes(x.destination, y.destination);
    })
    .map((r) => r.destination);
}

/** The list item the contract specifies for a seeded row (numbers safe below 2^53 only). */
export function listItem(row: SeedDestination) {
  const n = (v: bigint | null) => (v === null ? null : Number(v));
  return {
    destination: row.destination,
    retry_last_ts: n(stored(row, "retry_last_ts")),
    retry_interval: n(stored(row, "retry_interval")),
    failure_ts: n(stored(row, "failure_ts")),
    last_successful_stream_ordering: n(stored(row, "last_successful_stream_ordering")),
  };
}

/** The details object the contract specifies: timings hidden when retry_last_ts is 0. */
export function detailsOf(row: SeedDestination) {
  const item = listItem(row);
  if (!item.retry_last_ts) return { ...item, failure_ts: null, retry_last_ts: 0, retry_interval: 0 };
  return item;
}

/** Asserts that the raw JSON text holds `"name": <digits>` exactly (no float, no rounding). */
export function expectRawInt(text: string, name: string, value: bigint | string) {
  const re = new RegExp(`"${name}"\\s*:\\s*${value.toString()}(?![0-9.eE])`);
  expect(text, `${name} = ${value} exactly in ${text.slice(0, 400)}`).toMatch(re);
}

/** Synapse's own fixture: sub{i}.example.com with failure/retry timings 50 and stream ordering 100. */
export function synapseDestinations(n: number): SeedDestination[] {
  return Array.from({ length: n }, (_, i) => ({
    destination: `sub${i}.example.com`,
    failure_ts: 50,
    retry_last_ts: 50,
    retry_interval: 50,
    last_successful_stream_ordering: 100,
  }));
}

export const enc = encodeURIComponent;

/**
 * A JSON body with every number as its digits (a string), so 64-bit values compare exactly with
 * the database's `::text`; JSON.parse would round them above 2^53.
 */
export function exactJson(text: string): any {
  const plain = (v: ExactValue): unknown =>
    v instanceof JsonNumber
      ? v.raw
      : v instanceof Map
        ? Object.fromEntries([...v].map(([k, x]) => [k, plain(x)]))
        : Array.isArray(v)
          ? v.map(plain)
          : v;
  return plain(parseJsonExact(text));
}
