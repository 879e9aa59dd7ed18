// The scheduler's tick on a big table: n destinations of which `due` are due, the rest
// backing off but not due (30 %) or healthy and checked recently. Times claimDue
// (lib/federation/claim-due.ts) itself — each tick in a transaction that is rolled back, so
// every sample finds the same due rows — and captures the plans of the statements it sends.
import type pg from "pg";
import { createTestDatabase } from "../../lib/testing/test-database";
import { claimDue } from "../../lib/federation/claim-due";
import { stats, type Stats } from "./load";

export type TickCost = {
  n: number;
  due: number;
  failing: number;
  limit: number;
  samples: number;
  claimed: number;
  stats: Stats;
  idleP50: number;
  plans: string[];
  planSummary: string;
  seqScan: boolean;
  fillSeconds: number;
};

const HOUR = 3_600_000;

const STEP = 1_000; // ms between the due times of successive blocks

/**
 * Steady state, as the running scheduler sees it: at every tick exactly `due` destinations are
 * due. Block b of `due` destinations falls due at D_b = D_0 + b·STEP; tick b runs at D_b and
 * claims block b (timed, committed), then block b is "recorded" as the scheduler would after
 * its attempts (next retry a day later, claim released; not timed). Earlier blocks are thus no
 * longer due and later ones not yet — and the dead row versions of earlier ticks are there, as
 * in a live table between autovacuum runs.
 */
export async function measureTickCost(n: number, due: number, samples = 50): Promise<TickCost> {
  const db = await createTestDatabase();
  try {
    const now = Date.now();
    const warmup = 5;
    const blocks = warmup + samples + 1; // + 1 for the EXPLAIN run
    const dueRows = due * blocks;
    const failing = Math.max(dueRows, Math.round(n * 0.3));
    const d0 = now - 2 * HOUR;
    const t0 = performance.now();
    // i < dueRows: block i / due falls due at D_0 + block·STEP (retry_last_ts 10 min before);
    // i < failing: backing off, next retry about a day away; else healthy, checked within 30 min.
    await db.pool.query(
      `INSERT INTO destinations (destination, retry_last_ts, retry_interval, failure_ts, last_attempt_ts, last_outcome)
       SELECT 'tick' || lpad(i::text, 8, '0') || '.example.org', x.rl, x.ri, x.ft, x.la, CASE WHEN x.rl > 0 THEN 'failure' ELSE 'success' END
       FROM generate_series(0, $1::int - 1) AS i,
       LATERAL (SELECT
         CASE WHEN i < $2 THEN $5::bigint + (i / $6::int) * ${STEP} - 600000 WHEN i < $3 THEN $4::bigint - (i % ${HOUR}) ELSE 0 END AS rl,
         CASE WHEN i < $2 THEN 600000 WHEN i < $3 THEN 24 * ${HOUR} + (i % 1000) ELSE 0 END AS ri,
         CASE WHEN i < $3 THEN $4::bigint - 72 * ${HOUR} END AS ft,
         CASE WHEN i < $2 THEN $5::bigint + (i / $6::int) * ${STEP} - 600000 WHEN i < $3 THEN $4::bigint - (i % ${HOUR}) ELSE $4::bigint - (i % (${HOUR} / 2)) END AS la
       ) x`,
      [n, dueRows, failing, now, d0, due],
    );
    await db.pool.query("VACUUM ANALYZE destinations");
    const fillSeconds = (performance.now() - t0) / 1000;

    const client = await db.pool.connect();
    try {
      const asPool = client as unknown as pg.Pool;
      // Room for every due one plus the default concurrency, so all three claim statements run.
      const opts = { limit: due + 32, nowMs: now, leaseMs: 90_000, owner: "bench", healthIntervalMs: HOUR };
      const record = (nowMs: number) =>
        client.query(
          `UPDATE destinations SET retry_last_ts = $1, retry_interval = 86400000, last_attempt_ts = $1, claimed_until = NULL, claimed_by = NULL
           WHERE claimed_by = 'bench'`,
          [nowMs],
        );
      // Nothing due yet (before block 0): the cost of an idle tick, no writes.
      const idle: number[] = [];
      for (let i = -3; i < samples; i++) {
        const t = performance.now();
        const claims = await claimDue(asPool, { ...opts, nowMs: d0 - STEP });
        if (claims.length !== 0) throw new Error(`idle tick claimed ${claims.length}`);
        if (i >= 0) idle.push(performance.now() - t);
      }
      const times: number[] = [];
      let claimed = 0;
      for (let b = 0; b < warmup + samples; b++) {
        const nowMs = d0 + b * STEP;
        const t = performance.now();
        const claims = await claimDue(asPool, { ...opts, nowMs });
        if (b >= warmup) times.push(performance.now() - t);
        claimed = claims.length;
        if (claimed !== due) throw new Error(`tick ${b} claimed ${claimed}, expected ${due}`);
        await record(nowMs);
      }

      // The plans of the last block's tick: each statement claimDue sends runs under EXPLAIN
      // ANALYZE first (in a savepoint, rolled back), then for real so claimDue goes on as usual.
      const plans: string[] = [];
      const explaining = {
        query: async (text: string, values: unknown[]) => {
          await client.query("SAVEPOINT explain");
          const p = await client.query(`EXPLAIN (ANALYZE, BUFFERS, COSTS OFF) ${text}`, values);
          await client.query("ROLLBACK TO SAVEPOINT explain");
          const source = /WHERE (.*?) AND \(claimed_until/s.exec(text)?.[1].replace(/\s+/g, " ") ?? "?";
          plans.push(`-- ${source}`, ...p.rows.map((r: Record<string, string>) => r["QUERY PLAN"]), "");
          return client.query(text, values);
        },
      } as unknown as pg.Pool;
      await client.query("BEGIN");
      try {
        await claimDue(explaining, { ...opts, nowMs: d0 + (blocks - 1) * STEP });
      } finally {
        await client.query("ROLLBACK");
      }
      const text = plans.join("\n");
      const used = [
        ...new Set(
          [...text.matchAll(/(?:Index|Index Only|Bitmap Index) Scan(?: Backward)? (?:using|on) (\w+)/g)].map(
            (m) => m[1],
          ),
        ),
      ];
      return {
        n,
        due,
        failing,
        limit: opts.limit,
        samples,
        claimed,
        stats: stats(times),
        idleP50: stats(idle).p50,
        plans,
        planSummary: `indexes walked: ${used.map((u) => `\`${u}\``).join(", ")}`,
        seqScan: /Seq Scan on destinations/.test(text),
        fillSeconds,
      };
    } finally {
      client.release();
    }
  } finally {
    await db.close();
  }
}
