// A full scan of Synapse's destinations with their rooms, page by page in byte order, each
// page one DestinationPage (rows, problems, rooms of every row, the key range it covers).
// Memory holds one page of destinations and its rooms at a time.
//
// Keyset (the database orders byte-wise, as Synapse requires): per page one short read-only
// REPEATABLE READ transaction of two COPY statements (copy-rows.ts) — destinations after the
// last key on destinations_pkey, then the page's rooms as one range of destination_rooms_pkey
// — so a page and its rooms are one snapshot. (Measured against one UNION statement per page
// and against plain SELECTs: this costs the least CPU here, and CPU is what the scan spends.)
// Cursor (any other collation): one transaction for the whole pass with two cursors sorted
// COLLATE "C" (one server-side sort each instead of one per page), rooms merged in.
import type pg from "pg";
import { copyRows, sqlLiteral } from "./copy-rows";
import type { Session } from "./database-connection";
import type { KeyOrdering } from "./database-ordering";
import { DESTINATION_COLUMNS, type RawDestinationRow, type RawRoomRow, roomsOf, toDestination } from "./database-rows";
import type { DestinationPage, UpstreamDestination, UpstreamProblem } from "./types";

const ROOM_COLUMNS = "destination, room_id, stream_ordering";

function page(raw: RawDestinationRow[], roomRows: RawRoomRow[], after: string | null, through: string | null) {
  const problems: UpstreamProblem[] = [];
  const rows: UpstreamDestination[] = [];
  for (const r of raw) {
    const d = toDestination(r, problems);
    if (d) rows.push(d);
  }
  const rooms = roomsOf(rows, roomRows, problems);
  return { rows, problems, rooms, range: { after, through } } satisfies DestinationPage;
}

async function arrays<R>(session: Session, text: string): Promise<R[]> {
  const r = await session.run((client) => client.query({ text, rowMode: "array" }));
  return r.rows as R[];
}

/** One keyset page after `after` (null: from the start). `through` null = the last page. */
export async function readKeysetPage(
  client: pg.PoolClient,
  ordering: KeyOrdering,
  after: string | null,
  pageSize: number,
): Promise<DestinationPage> {
  await client.query("BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY");
  const raw = await copyRows<RawDestinationRow>(
    client,
    `SELECT ${DESTINATION_COLUMNS} FROM destinations
     ${after === null ? "" : `WHERE destination > ${sqlLiteral(after)}`} ORDER BY destination LIMIT ${pageSize}`,
  );
  // A short page is the last: it covers every key after `after`.
  const through = raw.length === pageSize ? raw[raw.length - 1][0] : null;
  let roomRows: RawRoomRow[] = [];
  if (ordering.rooms) {
    // One range of destination_rooms_pkey (destination, room_id); rooms in no particular order.
    const where: string[] = [];
    if (after !== null) where.push(`destination > ${sqlLiteral(after)}`);
    if (through !== null) where.push(`destination <= ${sqlLiteral(through)}`);
    roomRows = await copyRows<RawRoomRow>(
      client,
      `SELECT ${ROOM_COLUMNS} FROM destination_rooms ${where.length ? `WHERE ${where.join(" AND ")}` : ""}`,
    );
  } else if (raw.length > 0) {
    const r = await client.query({
      text: `SELECT ${ROOM_COLUMNS} FROM destination_rooms WHERE destination = ANY($1::text[])`,
      values: [raw.map((row) => row[0])],
      rowMode: "array",
    });
    roomRows = r.rows as RawRoomRow[];
  }
  await client.query("COMMIT");
  return page(raw, roomRows, after, through);
}

const NON_ASCII = /[\u0080-\u{10ffff}]/u;

/** Byte order of two strings as UTF-8 (JS compares UTF-16 code units, which differs above U+FFFF). */
export function compareBytes(a: string, b: string): number {
  if (!NON_ASCII.test(a) && !NON_ASCII.test(b)) return a < b ? -1 : a > b ? 1 : 0;
  return Buffer.compare(Buffer.from(a, "utf8"), Buffer.from(b, "utf8"));
}

/** The cursor scan over one session; the caller releases it (destroying it on error or early stop). */
export async function* cursorPages(session: Session, pageSize: number): AsyncGenerator<DestinationPage> {
  await session.run(async (client) => {
    await client.query("BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY");
    // The pass may pause between pages while the sync merges one; allow for it.
    await client.query("SET LOCAL idle_in_transaction_session_timeout = '10min'");
    await client.query(
      `DECLARE fc_destinations NO SCROLL CURSOR FOR SELECT ${DESTINATION_COLUMNS} FROM destinations
       ORDER BY destination COLLATE "C"`,
    );
    await client.query(
      `DECLARE fc_rooms NO SCROLL CURSOR FOR SELECT ${ROOM_COLUMNS} FROM destination_rooms
       ORDER BY destination COLLATE "C", room_id COLLATE "C"`,
    );
  });
  const roomBatch = Math.min(Math.max(pageSize * 4, 1_000), 20_000);
  let carry: RawRoomRow[] = [];
  let roomsDone = false;
  let after: string | null = null;
  for (;;) {
    const raw = await arrays<RawDestinationRow>(session, `FETCH ${pageSize} FROM fc_destinations`);
    const through = raw.length === pageSize ? raw[raw.length - 1][0] : null; // short: the last page
    const keys = new Set(raw.map((r) => r[0]));
    const roomRows: RawRoomRow[] = [];
    // Rooms come in the same order; take them while they belong to this page's keys.
    for (;;) {
      let i = 0;
      for (; i < carry.length; i++) {
        const d = carry[i][0];
        if (keys.has(d)) roomRows.push(carry[i]);
        else if (through !== null && compareBytes(d, through) > 0) break; // a later page's
        // else: a room whose destination is not in destinations (no FK?): nothing to attach it to.
      }
      carry = carry.slice(i);
      if (carry.length > 0 || roomsDone) break;
      carry = await arrays<RawRoomRow>(session, `FETCH ${roomBatch} FROM fc_rooms`);
      if (carry.length === 0) roomsDone = true;
    }
    yield page(raw, roomRows, after, through);
    if (through === null) break;
    after = through;
  }
  await session.run((client) => client.query("COMMIT"));
}
