// COPY … FROM STDIN of rows already encoded in PostgreSQL's COPY text format.
import { Readable } from "node:stream";
import { pipeline } from "node:stream/promises";
import type pg from "pg";
import copyStreams from "pg-copy-streams";

/** PostgreSQL COPY text format: escape backslash and the delimiter/row separators. */
export function copyText(s: string): string {
  return /[\\\t\n\r]/.test(s)
    ? s.replace(/[\\\t\n\r]/g, (c) => (c === "\\" ? "\\\\" : c === "\t" ? "\\t" : c === "\n" ? "\\n" : "\\r"))
    : s;
}

/** Runs `sql` (a COPY … FROM STDIN) with `lines` (each ending in "\n") as its input. */
export async function copyIn(client: pg.PoolClient, sql: string, lines: string[]): Promise<void> {
  const stream = client.query(copyStreams.from(sql));
  await pipeline(Readable.from(chunks(lines, 1 << 20)), stream);
}

/** Joins lines into ~size-character strings (fewer, larger writes). */
function* chunks(lines: string[], size: number): Generator<string> {
  let parts: string[] = [];
  let len = 0;
  for (const l of lines) {
    parts.push(l);
    len += l.length;
    if (len >= size) {
      yield parts.join("");
      parts = [];
      len = 0;
    }
  }
  if (parts.length) yield parts.join("");
}
