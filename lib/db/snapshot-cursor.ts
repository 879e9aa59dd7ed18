// Large reads in batches from one consistent snapshot: a REPEATABLE READ READ ONLY transaction
// (through withTransaction, like the export) held open while the caller fetches, with a
// server-side cursor so that only one batch of rows is in this process at a time. Used by the
// API's answers to unbounded `limit`s (lib/http/streamed-page.ts): memory stays one batch,
// whatever the page size.
import type pg from "pg";
import { type Tx, withTransaction } from "./transaction";

const SNAPSHOT = "ISOLATION LEVEL REPEATABLE READ READ ONLY";

export type Snapshot = {
  tx: Tx;
  /** Ends the transaction (COMMIT, or ROLLBACK with an error) and gives the connection back. */
  end(error?: unknown): Promise<void>;
};

/** Opens the snapshot; rejects (e.g. database down) before anything was sent anywhere. */
export function openSnapshot(pool: pg.Pool): Promise<Snapshot> {
  return new Promise((opened, failed) => {
    let finish!: (error?: unknown) => void;
    const ended = new Promise<void>((resolve, reject) => {
      finish = (error) => (error === undefined ? resolve() : reject(error));
    });
    const whole = withTransaction(
      pool,
      async (tx) => {
        opened({
          tx,
          end: (error) => {
            finish(error);
            return whole.then(
              () => {},
              () => {},
            );
          },
        });
        await ended;
      },
      { mode: SNAPSHOT },
    );
    whole.catch(failed); // after opening, failures are the caller's (it ended the snapshot)
  });
}

/** Batches of a cursor over `sql`, declared in the snapshot; null once it is exhausted. */
export type Batches<R> = { next(): Promise<R[] | null> };

export async function declareCursor<R extends pg.QueryResultRow>(
  snap: Snapshot,
  sql: string,
  params: unknown[],
  batchRows: number,
): Promise<Batches<R>> {
  await snap.tx.query(`DECLARE page NO SCROLL CURSOR FOR ${sql}`, params);
  let done = false;
  return {
    async next() {
      if (done) return null;
      const r = await snap.tx.query<R>(`FETCH ${batchRows} FROM page`);
      if (r.rows.length < batchRows) done = true;
      return r.rows.length > 0 ? r.rows : null;
    },
  };
}
