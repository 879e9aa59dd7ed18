// Validation of what the upstream's federation admin API answers (synapse/rest/admin/federation.py
// shapes). A page that is not the expected object is an UpstreamError (bad_response): nothing of
// it can be trusted. A row that is wrong is skipped with an UpstreamProblem and the rest of the
// page is used. Numbers arrive as exact JSON (JsonNumber text) and become bigint without ever
// passing through Number.
//
// Rules: numbers are integers 0 … 2^63-1 written without fraction or exponent; retry_last_ts and
// retry_interval may be null (older Synapse lists NULL timings as null; current ones coerce them
// to 0) and are read as 0; failure_ts and last_successful_stream_ordering may be null; unknown
// fields are ignored (a newer homeserver may add some). Destination names must be Matrix server
// names (lib/federation/server-name.ts). Room IDs are taken leniently — any non-empty string of at
// most 255 UTF-8 bytes without NUL or unpaired surrogates (what our tables can hold): room ID
// grammars changed across room versions, and the mirror should not drop a room the homeserver
// really shares.
import { JsonNumber, type JsonObject, type JsonValue } from "../destinations/exact-json";
import { parseServerName } from "../federation/server-name";
import { type UpstreamDestination, UpstreamError, type UpstreamProblem, type UpstreamRoom } from "./types";

export const INT64_MAX = 2n ** 63n - 1n;
const MAX_ROOM_ID_BYTES = 255;

/** One validated page of a list (destinations or rooms). */
export type ParsedPage<T> = {
  rows: T[];
  problems: UpstreamProblem[];
  total: bigint;
  /** Synapse's next_token (a string of digits), null when the page says it is the last. */
  nextToken: bigint | null;
  /** Entries in the page's array, refused ones included (the offset of the next page). */
  count: number;
};

/**
 * A destinations page also gives `entries`, aligned with the page's array (row null: refused,
 * with its problem), and `keys`: every string `destination` in page order, refused rows included.
 */
export type ParsedDestinationsPage = ParsedPage<UpstreamDestination> & {
  entries: { row: UpstreamDestination | null; problem?: UpstreamProblem }[];
  keys: string[];
};

class RowError extends Error {}

function describe(v: JsonValue | undefined): string {
  if (v === undefined) return "nothing";
  if (v === null) return "null";
  if (v instanceof JsonNumber) return v.raw.length > 40 ? `${v.raw.slice(0, 40)}…` : v.raw;
  if (typeof v === "string") return `a string (${JSON.stringify(v.length > 40 ? `${v.slice(0, 40)}…` : v)})`;
  if (typeof v === "boolean") return String(v);
  return Array.isArray(v) ? "an array" : "an object";
}

/** A non-negative int64, or null when `nullable` and the value is null. Throws RowError. */
function count(field: string, v: JsonValue | undefined, nullable: boolean): bigint | null {
  if (v === undefined) throw new RowError(`${field} is missing`);
  if (v === null && nullable) return null;
  if (!(v instanceof JsonNumber)) throw new RowError(`${field} must be an integer, got ${describe(v)}`);
  const raw = v.raw;
  if (raw.startsWith("-")) throw new RowError(`${field} must not be negative, got ${describe(v)}`);
  if (!/^(?:0|[1-9][0-9]*)$/.test(raw)) throw new RowError(`${field} must be a whole number, got ${describe(v)}`);
  const n = raw.length > 19 ? INT64_MAX + 1n : BigInt(raw);
  if (n > INT64_MAX) throw new RowError(`${field} is above 2^63-1, got ${describe(v)}`);
  return n;
}

function serverName(v: JsonValue | undefined): string {
  if (typeof v !== "string") throw new RowError(`destination must be a string, got ${describe(v)}`);
  try {
    parseServerName(v);
  } catch (e) {
    throw new RowError((e as Error).message);
  }
  return v;
}

/** One destination object (list row or details). Throws RowError. */
function destinationOf(v: JsonValue): UpstreamDestination {
  if (!(v instanceof Map)) throw new RowError(`a destination must be an object, got ${describe(v)}`);
  return {
    destination: serverName(v.get("destination")),
    // null → 0: Synapse's list coerces NULL timings (current releases); older ones send null.
    retryLastTs: count("retry_last_ts", v.get("retry_last_ts"), true) ?? 0n,
    retryInterval: count("retry_interval", v.get("retry_interval"), true) ?? 0n,
    failureTs: count("failure_ts", v.get("failure_ts"), true),
    lastSuccessfulStreamOrdering: count(
      "last_successful_stream_ordering",
      v.get("last_successful_stream_ordering"),
      true,
    ),
  };
}

function roomOf(v: JsonValue): UpstreamRoom {
  if (!(v instanceof Map)) throw new RowError(`a room must be an object, got ${describe(v)}`);
  const id = v.get("room_id");
  if (typeof id !== "string") throw new RowError(`room_id must be a string, got ${describe(id)}`);
  if (id === "") throw new RowError("room_id is empty");
  if (id.includes("\0")) throw new RowError("room_id contains NUL");
  if (/\p{Cs}/u.test(id)) throw new RowError("room_id contains an unpaired surrogate");
  if (Buffer.byteLength(id, "utf8") > MAX_ROOM_ID_BYTES)
    throw new RowError(`room_id is longer than ${MAX_ROOM_ID_BYTES} bytes`);
  return { roomId: id, streamOrdering: count("stream_ordering", v.get("stream_ordering"), false)! };
}

function badResponse(where: string, message: string): UpstreamError {
  return new UpstreamError(`${where}: ${message}`, "bad_response");
}

/** The page's object with its `arrayField` array, `total` and `next_token`; else bad_response. */
function pageOf(body: JsonValue, arrayField: string, where: string) {
  if (!(body instanceof Map)) throw badResponse(where, `expected a JSON object, got ${describe(body)}`);
  const items = body.get(arrayField);
  if (!Array.isArray(items)) throw badResponse(where, `"${arrayField}" must be an array, got ${describe(items)}`);
  let total: bigint;
  try {
    total = count("total", body.get("total"), false)!;
  } catch (e) {
    throw badResponse(where, (e as Error).message);
  }
  return { items, total, nextToken: nextTokenOf(body, where) };
}

function nextTokenOf(body: JsonObject, where: string): bigint | null {
  const t = body.get("next_token");
  if (t === undefined || t === null) return null;
  // Synapse sends a string of digits; accept a plain integer too.
  const raw = typeof t === "string" ? t : t instanceof JsonNumber ? t.raw : null;
  if (raw === null || !/^(?:0|[1-9][0-9]{0,18})$/.test(raw)) {
    throw badResponse(where, `next_token must be a non-negative integer, got ${describe(t)}`);
  }
  return BigInt(raw);
}

/** A list page `{destinations: […], total, next_token?}`; `where` names it in problems ("page from=1000"). */
export function parseDestinationsPage(body: JsonValue, where: string): ParsedDestinationsPage {
  const { items, total, nextToken } = pageOf(body, "destinations", where);
  const rows: UpstreamDestination[] = [];
  const problems: UpstreamProblem[] = [];
  const keys: string[] = [];
  const entries: ParsedDestinationsPage["entries"] = [];
  const seen = new Map<string, number>();
  items.forEach((item, i) => {
    const key = item instanceof Map ? item.get("destination") : undefined;
    const name = typeof key === "string" ? key : undefined;
    if (name !== undefined) keys.push(name);
    try {
      const row = destinationOf(item);
      const first = seen.get(row.destination);
      if (first !== undefined) throw new RowError(`duplicate of row ${first}`);
      seen.set(row.destination, i);
      rows.push(row);
      entries.push({ row });
    } catch (e) {
      if (!(e instanceof RowError)) throw e;
      const at = `${where}, row ${i}${name === undefined ? "" : ` (${JSON.stringify(name)})`}`;
      const problem = { where: at, message: e.message, destination: name };
      problems.push(problem);
      entries.push({ row: null, problem });
    }
  });
  return { rows, problems, total, nextToken, count: items.length, entries, keys };
}

/** A details answer; it must be a valid destination named `name`, else bad_response. */
export function parseDestinationDetails(body: JsonValue, name: string, where: string): UpstreamDestination {
  try {
    const row = destinationOf(body);
    if (row.destination !== name) throw new RowError(`it describes ${JSON.stringify(row.destination)}`);
    return row;
  } catch (e) {
    if (e instanceof RowError) throw badResponse(where, e.message);
    throw e;
  }
}

/**
 * A rooms page `{rooms: […], total, next_token?}`. `seen` holds the room IDs of earlier pages
 * of the same destination (a room twice is a problem, the second one skipped).
 */
export function parseRoomsPage(body: JsonValue, where: string, seen: Set<string>): ParsedPage<UpstreamRoom> {
  const { items, total, nextToken } = pageOf(body, "rooms", where);
  const rows: UpstreamRoom[] = [];
  const problems: UpstreamProblem[] = [];
  items.forEach((item, i) => {
    try {
      const room = roomOf(item);
      if (seen.has(room.roomId)) throw new RowError(`duplicate room ${JSON.stringify(room.roomId)}`);
      seen.add(room.roomId);
      rows.push(room);
    } catch (e) {
      if (!(e instanceof RowError)) throw e;
      problems.push({ where: `${where}, row ${i}`, message: e.message });
    }
  });
  return { rows, problems, total, nextToken, count: items.length };
}
