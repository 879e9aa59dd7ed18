// The connections that write an import's batches: each has its own TEMP staging tables and
// writes one batch at a time, while the reader parses the next batch. A batch that shares a
// destination with one still being written waits for it, so the later line still wins.
import type pg from "pg";
import { type Batch, overlaps } from "./batch";
import { createStaging, DROP_STAGING } from "./batch-sql";

type Writer = { client: pg.PoolClient; busy: Promise<void> | null; batch: Batch | null };

export class Writers {
  private readonly writers: Writer[] = [];

  /** Opens one more writer connection, ready to write batches. */
  async add(pool: pg.Pool): Promise<pg.PoolClient> {
    const w: Writer = { client: await pool.connect(), busy: null, batch: null };
    this.writers.push(w);
    // JIT compilation costs more than it saves on these per-batch statements.
    await w.client.query("SET jit = off");
    await createStaging(w.client);
    return w.client;
  }

  /**
   * Starts `write` for batch `b` on a free writer, once no batch still being written shares a
   * destination with it. Resolves when it has started; throws if a batch it waited for failed.
   */
  async start(b: Batch, write: (client: pg.PoolClient) => Promise<void>): Promise<void> {
    for (const w of this.writers) {
      if (w.busy && w.batch && overlaps(b, w.batch)) await w.busy;
    }
    let free = this.writers.find((w) => !w.busy);
    while (!free) {
      await Promise.race(this.writers.map((w) => w.busy));
      free = this.writers.find((w) => !w.busy);
    }
    const w = free;
    w.batch = b;
    w.busy = write(w.client).finally(() => {
      w.busy = null;
      w.batch = null;
    });
    w.busy.catch(() => {}); // observed when awaited; avoid an unhandled rejection meanwhile
  }

  /** Waits for every batch being written; throws if one failed. */
  async drain(): Promise<void> {
    for (const w of this.writers) if (w.busy) await w.busy;
  }

  /**
   * Lets every running batch end (commit or roll back), then gives the connections back. After
   * a failure (`broken`) a session may be mid-transaction or mid-COPY: it is thrown away with
   * its temp tables (which also rolls back a bulk load's open transaction).
   */
  async close(broken: Error | undefined): Promise<void> {
    await Promise.allSettled(this.writers.map((w) => w.busy));
    for (const w of this.writers) {
      if (broken) {
        w.client.release(broken);
        continue;
      }
      try {
        await w.client.query(`${DROP_STAGING}; RESET jit`);
        w.client.release();
      } catch (e) {
        w.client.release(e as Error);
      }
    }
  }
}
