import pg from "pg";
import { getOverview } from "../lib/ops/get-overview";
const url = process.argv[2];
const real = new pg.Pool({ connectionString: url, max: 8 });
let times: [string, number][] = [];
const probe = {
  query: async (cfg: unknown, values?: unknown[]) => {
    const t = performance.now();
    const r = await real.query(cfg as string, values);
    const label = typeof cfg === "string" ? cfg.slice(0, 50) : ((cfg as { name?: string }).name ?? "?");
    times.push([label, performance.now() - t]);
    return r;
  },
} as unknown as pg.Pool;
const me = { userId: null, email: "b", role: "viewer" as const, via: "console" as const };
for (const range of ["24h", "7d", "30d"] as const) {
  for (let i = 0; i < 6; i++) {
    times = [];
    const t = performance.now();
    await getOverview(probe, me, { range, nowMs: Date.now() });
    if (i === 5) {
      console.log(range, "total", (performance.now() - t).toFixed(1));
      for (const [l, ms] of times) console.log("   ", l.padEnd(30), ms.toFixed(1));
    }
  }
}
// sequential, one connection
const c = await real.connect();
for (const name of ["latest", "history"]) void name;
const t = performance.now();
await getOverview(c as unknown as pg.Pool, me, { range: "24h", nowMs: Date.now() });
await getOverview(c as unknown as pg.Pool, me, { range: "24h", nowMs: Date.now() });
const t2 = performance.now();
await getOverview(c as unknown as pg.Pool, me, { range: "24h", nowMs: Date.now() });
console.log("one connection, 3rd run", (performance.now() - t2).toFixed(1), "(first two", (t2 - t).toFixed(1), ")");
c.release();
await real.end();
