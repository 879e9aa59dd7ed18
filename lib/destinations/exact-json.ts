// An exact JSON parser (RFC 8259) for one line of JSON Lines. JSON.parse turns every number
// into a double and silently loses digits above 2^53; here numbers keep their source text
// (JsonNumber), so the caller converts integers exactly with BigInt. Objects are Maps: no
// prototype keys, and duplicate keys are an error instead of "last one wins".

/** Not valid JSON; the message gives the column. */
export class JsonSyntaxError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "JsonSyntaxError";
  }
}

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
    throw new JsonSyntaxError(`invalid JSON at column ${this.i + 1}: ${msg}`);
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
