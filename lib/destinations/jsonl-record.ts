// One line of the `fedctl destinations import|export` JSON Lines format: Synapse's field names,
// exact 64-bit integers, an optional `rooms` array.
//
//   {"destination":"matrix.org","retry_last_ts":0,"retry_interval":0,"failure_ts":null,
//    "last_successful_stream_ordering":12345,"rooms":[{"room_id":"!a:b","stream_ordering":7}]}
//
// JSON.parse turns every number into a double and silently loses digits above 2^53, so lines
// are read with the exact parser of exact-json.ts: numbers keep their source text and integers
// are converted with BigInt. Writing never goes through Number either.
import { JsonNumber, JsonSyntaxError, type JsonObject, type JsonValue, parseJsonExact } from "./exact-json";
import type { DestinationTimings, RoomRow } from "./types";

/** One validated line. `rooms` undefined = the line does not mention rooms (leave them alone). */
export type DestinationRecord = DestinationTimings & { rooms: RoomRow[] | undefined };

/** A line that is not a valid record; `message` says why, for the import report. */
export class RecordError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "RecordError";
  }
}

export const INT64_MIN = -(2n ** 63n);
export const INT64_MAX = 2n ** 63n - 1n;
export const MAX_NAME_BYTES = 255;

export const RECORD_FIELDS = [
  "destination",
  "retry_last_ts",
  "retry_interval",
  "failure_ts",
  "last_successful_stream_ordering",
  "rooms",
] as const;
const ROOM_FIELDS = ["room_id", "stream_ordering"] as const;

// ---------------------------------------------------------------------------------------------
// Validation.

const INTEGER_RE = /^-?(?:0|[1-9][0-9]*)$/;

function describe(v: JsonValue): string {
  if (v === null) return "null";
  if (v instanceof JsonNumber) return v.raw;
  if (typeof v === "string") return `a string (${JSON.stringify(v.length > 40 ? v.slice(0, 40) + "…" : v)})`;
  if (typeof v === "boolean") return String(v);
  if (Array.isArray(v)) return "an array";
  return "an object";
}

function int64(field: string, v: JsonValue, min: bigint): bigint {
  if (!(v instanceof JsonNumber)) throw new RecordError(`${field} must be an integer, got ${describe(v)}`);
  const raw = v.raw;
  if (!INTEGER_RE.test(raw)) {
    throw new RecordError(
      `${field} must be an integer (no fraction or exponent), got ${raw.length > 40 ? raw.slice(0, 40) + "…" : raw}`,
    );
  }
  // 20 characters hold every int64 ("-9223372036854775808"); longer is out of range for sure.
  const n = raw.length > 20 ? null : BigInt(raw);
  if (n === null || n < min || n > INT64_MAX) {
    throw new RecordError(
      `${field} is out of range (must be between ${min} and ${INT64_MAX}), got ${raw.length > 40 ? raw.slice(0, 40) + "…" : raw}`,
    );
  }
  return n;
}

// C0 controls, DEL, C1 controls; lone UTF-16 surrogates (not representable in UTF-8).
// biome-ignore lint/suspicious/noControlCharactersInRegex: control characters are exactly what this finds
const BAD_CHARS_RE = /[\u0000-\u001f\u007f-\u009f]|\p{Cs}/u;

function name(field: string, v: JsonValue): string {
  if (typeof v !== "string") throw new RecordError(`${field} must be a string, got ${describe(v)}`);
  if (v.length === 0) throw new RecordError(`${field} must not be empty`);
  if (v.length * 3 > MAX_NAME_BYTES && Buffer.byteLength(v, "utf8") > MAX_NAME_BYTES) {
    throw new RecordError(`${field} is longer than ${MAX_NAME_BYTES} bytes`);
  }
  const bad = BAD_CHARS_RE.exec(v);
  if (bad) {
    const cp = bad[0].charCodeAt(0);
    throw new RecordError(
      cp >= 0xd800 && cp <= 0xdfff
        ? `${field} contains an unpaired surrogate (\\u${cp.toString(16).padStart(4, "0")})`
        : `${field} contains a control character (\\u${cp.toString(16).padStart(4, "0")})`,
    );
  }
  return v;
}

function unknownKeys(obj: JsonObject, allowed: readonly string[], where: string): void {
  for (const k of obj.keys()) {
    if (!allowed.includes(k)) {
      throw new RecordError(`unknown field ${JSON.stringify(k)}${where} (allowed: ${allowed.join(", ")})`);
    }
  }
}

function rooms(v: JsonValue): RoomRow[] {
  if (!Array.isArray(v)) throw new RecordError(`rooms must be an array, got ${describe(v)}`);
  const out: RoomRow[] = new Array(v.length);
  const seen = new Set<string>();
  for (let i = 0; i < v.length; i++) {
    const r = v[i];
    if (!(r instanceof Map)) throw new RecordError(`rooms[${i}] must be an object, got ${describe(r)}`);
    unknownKeys(r, ROOM_FIELDS, ` in rooms[${i}]`);
    const roomIdV = r.get("room_id");
    if (roomIdV === undefined) throw new RecordError(`rooms[${i}].room_id is required`);
    const roomId = name(`rooms[${i}].room_id`, roomIdV);
    const soV = r.get("stream_ordering");
    if (soV === undefined) throw new RecordError(`rooms[${i}].stream_ordering is required`);
    const streamOrdering = int64(`rooms[${i}].stream_ordering`, soV, INT64_MIN);
    if (seen.has(roomId)) throw new RecordError(`rooms[${i}]: duplicate room_id ${JSON.stringify(roomId)}`);
    seen.add(roomId);
    out[i] = { roomId, streamOrdering };
  }
  return out;
}

/** Validates a parsed JSON value as one record. */
export function toRecord(v: JsonValue): DestinationRecord {
  if (!(v instanceof Map)) throw new RecordError(`a line must be a JSON object, got ${describe(v)}`);
  unknownKeys(v, RECORD_FIELDS, "");
  const d = v.get("destination");
  if (d === undefined) throw new RecordError("destination is required");
  const destination = name("destination", d);
  const opt = (field: string, min: bigint): bigint | null => {
    const x = v.get(field);
    return x === undefined || x === null ? null : int64(field, x, min);
  };
  const r = v.get("rooms");
  return {
    destination,
    // Synapse stores NULL here for "never failed"; we store 0 (same meaning in its API).
    retryLastTs: opt("retry_last_ts", 0n) ?? 0n,
    retryInterval: opt("retry_interval", 0n) ?? 0n,
    failureTs: opt("failure_ts", INT64_MIN),
    lastSuccessfulStreamOrdering: opt("last_successful_stream_ordering", INT64_MIN),
    // `"rooms": null` is treated as absent (rooms left alone); `[]` means "no rooms".
    rooms: r === undefined || r === null ? undefined : rooms(r),
  };
}

/** Parses and validates one line; throws RecordError with a readable message. */
export function parseRecord(line: string): DestinationRecord {
  let v: JsonValue;
  try {
    v = parseJsonExact(line);
  } catch (e) {
    if (e instanceof JsonSyntaxError) throw new RecordError(e.message);
    throw e;
  }
  return toRecord(v);
}

// ---------------------------------------------------------------------------------------------
// Writing.

function jsonInt(n: bigint | null): string {
  return n === null ? "null" : n.toString();
}

/**
 * One line (without the newline) in Synapse's field order: destination, retry_last_ts,
 * retry_interval, failure_ts, last_successful_stream_ordering, then `rooms` if given (the
 * `rooms` argument, else `row.rooms`). Integers are written from BigInt, never via Number.
 */
export function formatRecord(
  row: DestinationTimings & { rooms?: readonly RoomRow[] },
  rooms: readonly RoomRow[] | undefined = row.rooms,
): string {
  let s =
    `{"destination":${JSON.stringify(row.destination)}` +
    `,"retry_last_ts":${row.retryLastTs.toString()}` +
    `,"retry_interval":${row.retryInterval.toString()}` +
    `,"failure_ts":${jsonInt(row.failureTs)}` +
    `,"last_successful_stream_ordering":${jsonInt(row.lastSuccessfulStreamOrdering)}`;
  if (rooms !== undefined) {
    s += `,"rooms":[`;
    for (let i = 0; i < rooms.length; i++) {
      const r = rooms[i];
      s += `${i ? "," : ""}{"room_id":${JSON.stringify(r.roomId)},"stream_ordering":${r.streamOrdering.toString()}}`;
    }
    s += "]";
  }
  return s + "}";
}
