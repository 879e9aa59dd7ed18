// One line of the `fedctl destinations import|export` JSON Lines format: Synapse's field names,
// exact 64-bit integers, an optional `rooms` array.
//
//   {"destination":"matrix.org","retry_last_ts":0,"retry_interval":0,"failure_ts":null,
//    "last_successful_stream_ordering":12345,"rooms":[{"room_id":"!a:b","stream_ordering":7}]}
//
// JSON.parse turns every number into a double and silently loses digits above 2^53, so lines
// are read with the small exact parser below: numbers keep their source text and integers are
// converted with BigInt. Writing never goes through Number either.
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
// Exact JSON parser (RFC 8259) for one line.

/** A JSON number, kept as its source text. */
export class JsonNumber {
  constructor(readonly raw: string) {}
}
export type JsonValue = null | boolean | string | JsonNumber | JsonValue[] | JsonObject;
/** Objects are Maps: no prototype keys, duplicate keys detected. */
export type JsonObject = Map<string, JsonValue>;

const MAX_DEPTH = 32;

/**
 * Parses one JSON text exactly: numbers stay as their digits (JsonNumber), objects become
 * Maps. Rejects duplicate keys, trailing garbage and nesting deeper than 32.
 */
export function parseJsonExact(text: string): JsonValue {
  const p = new Parser(text);
  p.ws();
  const v = p.value(0);
  p.ws();
  if (p.i < text.length) p.fail("unexpected data after the JSON value");
  return v;
}

class Parser {
  i = 0;
  constructor(readonly s: string) {}

  fail(msg: string): never {
    throw new RecordError(`invalid JSON at column ${this.i + 1}: ${msg}`);
  }

  ws(): void {
    const s = this.s;
    let i = this.i;
    for (;;) {
      const c = s.charCodeAt(i);
      if (c === 0x20 || c === 0x09 || c === 0x0a || c === 0x0d) i++;
      else break;
    }
    this.i = i;
  }

  value(depth: number): JsonValue {
    const c = this.s.charCodeAt(this.i);
    switch (c) {
      case 0x7b /* { */:
        return this.object(depth);
      case 0x5b /* [ */:
        return this.array(depth);
      case 0x22 /* " */:
        return this.string();
      case 0x74 /* t */:
        return this.literal("true", true);
      case 0x66 /* f */:
        return this.literal("false", false);
      case 0x6e /* n */:
        return this.literal("null", null);
      default:
        if (c === 0x2d || (c >= 0x30 && c <= 0x39)) return this.number();
        if (Number.isNaN(c)) this.fail("unexpected end of line");
        return this.fail(`unexpected character ${JSON.stringify(this.s[this.i])}`);
    }
  }

  literal<T>(word: string, v: T): T {
    if (!this.s.startsWith(word, this.i)) this.fail("unexpected token");
    this.i += word.length;
    return v;
  }

  object(depth: number): JsonObject {
    if (depth >= MAX_DEPTH) this.fail("nested too deeply");
    const out: JsonObject = new Map();
    this.i++; // {
    this.ws();
    if (this.s.charCodeAt(this.i) === 0x7d) {
      this.i++;
      return out;
    }
    for (;;) {
      if (this.s.charCodeAt(this.i) !== 0x22) this.fail("expected a string key");
      const keyAt = this.i;
      const key = this.string();
      if (out.has(key)) {
        this.i = keyAt;
        this.fail(`duplicate key ${JSON.stringify(key)}`);
      }
      this.ws();
      if (this.s.charCodeAt(this.i) !== 0x3a) this.fail("expected ':'");
      this.i++;
      this.ws();
      out.set(key, this.value(depth + 1));
      this.ws();
      const c = this.s.charCodeAt(this.i);
      if (c === 0x2c) {
        this.i++;
        this.ws();
      } else if (c === 0x7d) {
        this.i++;
        return out;
      } else this.fail("expected ',' or '}'");
    }
  }

  array(depth: number): JsonValue[] {
    if (depth >= MAX_DEPTH) this.fail("nested too deeply");
    const out: JsonValue[] = [];
    this.i++; // [
    this.ws();
    if (this.s.charCodeAt(this.i) === 0x5d) {
      this.i++;
      return out;
    }
    for (;;) {
      out.push(this.value(depth + 1));
      this.ws();
      const c = this.s.charCodeAt(this.i);
      if (c === 0x2c) {
        this.i++;
        this.ws();
      } else if (c === 0x5d) {
        this.i++;
        return out;
      } else this.fail("expected ',' or ']'");
    }
  }

  string(): string {
    const s = this.s;
    let i = this.i + 1; // after the opening quote
    let start = i;
    let out = "";
    for (;;) {
      const c = s.charCodeAt(i);
      if (c === 0x22) {
        out += s.slice(start, i);
        this.i = i + 1;
        return out;
      }
      if (c === 0x5c) {
        out += s.slice(start, i);
        const e = s.charCodeAt(i + 1);
        switch (e) {
          case 0x22:
            out += '"';
            break;
          case 0x5c:
            out += "\\";
            break;
          case 0x2f:
            out += "/";
            break;
          case 0x62:
            out += "\b";
            break;
          case 0x66:
            out += "\f";
            break;
          case 0x6e:
            out += "\n";
            break;
          case 0x72:
            out += "\r";
            break;
          case 0x74:
            out += "\t";
            break;
          case 0x75: {
            const hex = s.slice(i + 2, i + 6);
            if (!/^[0-9a-fA-F]{4}$/.test(hex)) {
              this.i = i;
              this.fail("invalid \\u escape");
            }
            out += String.fromCharCode(parseInt(hex, 16));
            i += 4;
            break;
          }
          default:
            this.i = i;
            this.fail("invalid escape in string");
        }
        i += 2;
        start = i;
        continue;
      }
      if (!(c >= 0x20)) {
        // NaN (past the end) also lands here.
        this.i = i;
        if (Number.isNaN(c)) this.fail("unterminated string");
        this.fail("control character in string (must be escaped)");
      }
      i++;
    }
  }

  number(): JsonNumber {
    const s = this.s;
    const start = this.i;
    let i = start;
    if (s.charCodeAt(i) === 0x2d) i++;
    let c = s.charCodeAt(i);
    if (c === 0x30) {
      i++;
    } else if (c >= 0x31 && c <= 0x39) {
      do i++;
      while ((c = s.charCodeAt(i)) >= 0x30 && c <= 0x39);
    } else {
      this.i = i;
      this.fail("invalid number");
    }
    if (s.charCodeAt(i) === 0x2e) {
      i++;
      if (!((c = s.charCodeAt(i)) >= 0x30 && c <= 0x39)) {
        this.i = i;
        this.fail("invalid number");
      }
      while ((c = s.charCodeAt(i)) >= 0x30 && c <= 0x39) i++;
    }
    c = s.charCodeAt(i);
    if (c === 0x65 || c === 0x45) {
      i++;
      c = s.charCodeAt(i);
      if (c === 0x2b || c === 0x2d) i++;
      if (!((c = s.charCodeAt(i)) >= 0x30 && c <= 0x39)) {
        this.i = i;
        this.fail("invalid number");
      }
      while ((c = s.charCodeAt(i)) >= 0x30 && c <= 0x39) i++;
    }
    this.i = i;
    return new JsonNumber(s.slice(start, i));
  }
}

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
  return toRecord(parseJsonExact(line));
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
