// The import's input as lines, with bounded memory whatever the file: a line longer than the
// limit is reported (null) and its bytes skipped, never buffered.

/**
 * Yields each line as a string (without "\n"; a trailing "\r" is stripped by the record
 * parser's whitespace rule), or null for a line longer than maxLineBytes.
 */
export async function* splitLines(input: NodeJS.ReadableStream, maxLineBytes: number): AsyncGenerator<string | null> {
  let carry: Buffer[] = [];
  let carryBytes = 0;
  let tooLong = false;
  for await (const chunk of input as AsyncIterable<Buffer | string>) {
    const buf = typeof chunk === "string" ? Buffer.from(chunk, "utf8") : chunk;
    let pos = 0;
    for (;;) {
      const nl = buf.indexOf(10, pos);
      if (nl === -1) {
        if (!tooLong && pos < buf.length) {
          carryBytes += buf.length - pos;
          if (carryBytes > maxLineBytes) {
            tooLong = true;
            carry = [];
            carryBytes = 0;
          } else carry.push(buf.subarray(pos));
        }
        break;
      }
      if (tooLong) {
        tooLong = false;
        yield null;
      } else if (carry.length === 0) {
        if (nl - pos > maxLineBytes) yield null;
        else yield buf.toString("utf8", pos, nl);
      } else {
        carryBytes += nl - pos;
        if (carryBytes > maxLineBytes) yield null;
        else {
          carry.push(buf.subarray(pos, nl));
          yield Buffer.concat(carry).toString("utf8");
        }
        carry = [];
        carryBytes = 0;
      }
      pos = nl + 1;
    }
  }
  if (tooLong) yield null;
  else if (carry.length) yield Buffer.concat(carry).toString("utf8");
}

/** Only spaces, tabs and carriage returns: skipped, not an error. */
export function isBlank(s: string): boolean {
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    if (c !== 0x20 && c !== 0x09 && c !== 0x0d) return false;
  }
  return true;
}
