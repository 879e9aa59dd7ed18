// The one way to run statements as a transaction. Every write that must be all-or-nothing
// (a reset and its audit row, an attempt and its timings, a batch of an import) goes through
// withTransaction (a pooled connection) or withSavepoint (inside a transaction already open).
import type pg from "pg";

/** What a transaction body may run statements on: a connection inside BEGIN … COMMIT. */
export type Tx = pg.PoolClient;

/** Anything that runs a query: the pool, or a transaction's connection. */
export type Queryable = Pick<pg.Pool, "query"> | Pick<pg.PoolClient, "query">;

export type TransactionOptions = {
  /**
   * The transaction_mode list of BEGIN, e.g. "ISOLATION LEVEL REPEATABLE READ READ ONLY" for a
   * consistent snapshot (exports). Default: none (READ COMMITTED, read-write).
   */
  mode?: string;
};

/**
 * BEGIN, run `body` on one pooled connection, COMMIT; on any error ROLLBACK and rethrow.
 * A connection whose ROLLBACK fails (it dropped mid-transaction) is destroyed, not reused.
 */
export async function withTransaction<T>(
  pool: pg.Pool,
  body: (tx: Tx) => Promise<T>,
  opts: TransactionOptions = {},
): Promise<T> {
  const client = await pool.connect();
  return inTransaction(client, body, opts).finally(() => releaseConnection(client));
}

/**
 * The same on a connection the caller holds (and gives back with releaseConnection), for work
 * that needs its session across transactions (e.g. a session-level advisory lock).
 */
export async function inTransaction<T>(client: Tx, body: (tx: Tx) => Promise<T>, opts: TransactionOptions = {}) {
  await client.query(opts.mode ? `BEGIN ${opts.mode}` : "BEGIN");
  let result: T;
  try {
    result = await body(client);
  } catch (e) {
    await client.query("ROLLBACK").catch(() => brokenClients.add(client));
    throw e;
  }
  await client.query("COMMIT");
  return result;
}

/**
 * A savepoint inside an open transaction: `body`'s statements are undone alone if it throws
 * (the transaction goes on), kept if it returns.
 */
export async function withSavepoint<T>(tx: Tx, name: string, body: () => Promise<T>): Promise<T> {
  await tx.query(`SAVEPOINT ${name}`);
  let result: T;
  try {
    result = await body();
  } catch (e) {
    await tx.query(`ROLLBACK TO SAVEPOINT ${name}; RELEASE SAVEPOINT ${name}`).catch(() => brokenClients.add(tx));
    throw e;
  }
  await tx.query(`RELEASE SAVEPOINT ${name}`);
  return result;
}

/** Gives a pooled connection back; one whose ROLLBACK failed is destroyed instead. */
export function releaseConnection(client: Tx): void {
  client.release(brokenClients.has(client) || undefined);
}

/**
 * An attempt inside an open transaction, for an optimistic path with a fallback: `body`'s
 * statements are kept if it returns true, and undone if it returns false (an ordinary outcome,
 * not an error: the transaction goes on and the caller takes its other path). If `body` throws,
 * they are undone and the error rethrown, as withSavepoint does.
 */
export async function trySavepoint(tx: Tx, name: string, body: () => Promise<boolean>): Promise<boolean> {
  await tx.query(`SAVEPOINT ${name}`);
  let keep: boolean;
  try {
    keep = await body();
  } catch (e) {
    await tx.query(`ROLLBACK TO SAVEPOINT ${name}; RELEASE SAVEPOINT ${name}`).catch(() => brokenClients.add(tx));
    throw e;
  }
  await tx.query(keep ? `RELEASE SAVEPOINT ${name}` : `ROLLBACK TO SAVEPOINT ${name}; RELEASE SAVEPOINT ${name}`);
  return keep;
}

// Connections whose rollback failed: released with an error so the pool drops them.
const brokenClients = new WeakSet<Tx>();
