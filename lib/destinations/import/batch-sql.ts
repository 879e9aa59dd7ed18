// The statements a batch runs: it is COPYed into TEMP staging tables (one pair per writer
// connection), then upserted from them into destinations and destination_rooms. Columns the
// scheduler owns (last attempt, last error, ...) are never written.
import type pg from "pg";

export const STAGE_DEST = "fc_import_destinations";
export const STAGE_ROOMS = "fc_import_destination_rooms";

/** The staging tables of this session, created afresh. */
export async function createStaging(client: pg.PoolClient): Promise<void> {
  // ON COMMIT DELETE ROWS: every batch transaction starts with empty staging tables.
  await client.query(`DROP TABLE IF EXISTS pg_temp.${STAGE_DEST}, pg_temp.${STAGE_ROOMS}`);
  await client.query(`CREATE TEMP TABLE ${STAGE_DEST} (
      destination text COLLATE "C" NOT NULL,
      retry_last_ts bigint NOT NULL,
      retry_interval bigint NOT NULL,
      failure_ts bigint,
      last_successful_stream_ordering bigint,
      has_rooms boolean NOT NULL,
      room_count integer NOT NULL
    ) ON COMMIT DELETE ROWS`);
  await client.query(`CREATE TEMP TABLE ${STAGE_ROOMS} (
      destination text COLLATE "C" NOT NULL,
      room_id text COLLATE "C" NOT NULL,
      stream_ordering bigint NOT NULL
    ) ON COMMIT DELETE ROWS`);
}

export const DROP_STAGING = `DROP TABLE IF EXISTS pg_temp.${STAGE_DEST}, pg_temp.${STAGE_ROOMS}`;

/** Inside a bulk load no batch commits, so ON COMMIT DELETE ROWS does not empty the tables. */
export const EMPTY_STAGING = `TRUNCATE ${STAGE_DEST}, ${STAGE_ROOMS}`;

export const COPY_STAGE_DEST = `COPY ${STAGE_DEST} FROM STDIN`;
export const COPY_STAGE_ROOMS = `COPY ${STAGE_ROOMS} FROM STDIN`;
/** Rooms straight into the table: only when none of them can exist yet. */
export const COPY_ROOMS_DIRECT = `COPY destination_rooms (destination, room_id, stream_ordering) FROM STDIN`;

// Rows are locked in destination order (batches written at once cannot deadlock on each
// other), and unchanged rows are not rewritten.
export const UPSERT_DESTINATIONS = `
  INSERT INTO destinations AS d (destination, retry_last_ts, retry_interval, failure_ts, last_successful_stream_ordering)
  SELECT destination, retry_last_ts, retry_interval, failure_ts, last_successful_stream_ordering
  FROM ${STAGE_DEST} ORDER BY destination
  ON CONFLICT (destination) DO UPDATE SET
    retry_last_ts = EXCLUDED.retry_last_ts,
    retry_interval = EXCLUDED.retry_interval,
    failure_ts = EXCLUDED.failure_ts,
    last_successful_stream_ordering = EXCLUDED.last_successful_stream_ordering
  WHERE (d.retry_last_ts, d.retry_interval, d.failure_ts, d.last_successful_stream_ordering)
    IS DISTINCT FROM
    (EXCLUDED.retry_last_ts, EXCLUDED.retry_interval, EXCLUDED.failure_ts, EXCLUDED.last_successful_stream_ordering)`;

// Rooms of the batch's rooms-carrying destinations that are not in their new room set. The
// per-destination index probe is forced (LATERAL, one probe per staged destination) and rows
// are deleted by ctid: a plan that scans all of destination_rooms per batch would make a
// large import quadratic.
export const DELETE_REPLACED_ROOMS = `
  DELETE FROM destination_rooms
  WHERE ctid = ANY (ARRAY(
    SELECT x.ctid
    FROM ${STAGE_DEST} s
    CROSS JOIN LATERAL (SELECT r.ctid, r.room_id FROM destination_rooms r WHERE r.destination = s.destination OFFSET 0) x
    WHERE s.has_rooms
      AND NOT EXISTS (SELECT 1 FROM ${STAGE_ROOMS} n WHERE n.destination = s.destination AND n.room_id = x.room_id)))`;

export const UPSERT_ROOMS = `
  INSERT INTO destination_rooms AS r (destination, room_id, stream_ordering)
  SELECT destination, room_id, stream_ordering FROM ${STAGE_ROOMS} ORDER BY destination, room_id
  ON CONFLICT (destination, room_id) DO UPDATE SET stream_ordering = EXCLUDED.stream_ordering
  WHERE r.stream_ordering IS DISTINCT FROM EXCLUDED.stream_ordering`;

/** The first-import fast path's insert (fast-path.ts): new destinations only. */
export const INSERT_NEW_DESTINATIONS = `
  INSERT INTO destinations (destination, retry_last_ts, retry_interval, failure_ts, last_successful_stream_ordering)
  SELECT destination, retry_last_ts, retry_interval, failure_ts, last_successful_stream_ordering
  FROM ${STAGE_DEST} ORDER BY destination
  ON CONFLICT (destination) DO NOTHING`;

/** The same, writing rooms_count (the trigger that would maintain it was skipped). */
export const INSERT_NEW_DESTINATIONS_COUNTED = `
  INSERT INTO destinations (destination, retry_last_ts, retry_interval, failure_ts, last_successful_stream_ordering, rooms_count)
  SELECT destination, retry_last_ts, retry_interval, failure_ts, last_successful_stream_ordering, room_count
  FROM ${STAGE_DEST} ORDER BY destination
  ON CONFLICT (destination) DO NOTHING`;
