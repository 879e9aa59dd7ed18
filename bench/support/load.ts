// Minimal HTTP load tools for the benches: sequential latency samples over one keep-alive
// connection, and closed-loop throughput at C concurrent connections. node:http only (no
// dependency), and cheap per request so the client steals little CPU from the server on a
// small machine.
import http from "node:http";

export type Target = { base: string; headers?: Record<string, string> };
export type Call = { method: "GET" | "POST"; path: string; expect: number };
export type Sample = { ms: number; sqlMs: number | null; status: number; bytes: number };

export function request(agent: http.Agent, t: Target, c: Call): Promise<Sample> {
  return new Promise((resolve, reject) => {
    const t0 = process.hrtime.bigint();
    const u = new URL(t.base + c.path);
    const req = http.request(
      {
        agent,
        host: u.hostname,
        port: u.port,
        path: u.pathname + u.search,
        method: c.method,
        headers: {
          ...t.headers,
          ...(c.method === "POST" ? { "content-type": "application/json", "content-length": "2" } : {}),
        },
      },
      (res) => {
        let bytes = 0;
        res.on("data", (d: Buffer) => (bytes += d.length));
        res.on("end", () => {
          const ms = Number(process.hrtime.bigint() - t0) / 1e6;
          const sql = res.headers["x-sql-ms"];
          resolve({ ms, sqlMs: typeof sql === "string" ? Number(sql) : null, status: res.statusCode ?? 0, bytes });
        });
        res.on("error", reject);
      },
    );
    req.on("error", reject);
    req.end(c.method === "POST" ? "{}" : undefined);
  });
}

export type Stats = { n: number; p50: number; p95: number; p99: number; mean: number };

export function stats(xs: number[]): Stats {
  const s = xs.slice().sort((a, b) => a - b);
  const at = (p: number) => s[Math.min(s.length - 1, Math.max(0, Math.ceil((p / 100) * s.length) - 1))];
  return {
    n: s.length,
    p50: at(50),
    p95: at(95),
    p99: at(99),
    mean: s.reduce((a, b) => a + b, 0) / Math.max(1, s.length),
  };
}

export type Measured = { http: Stats; sql: Stats | null; status: number; bytes: number };

/**
 * Per target `warmup[k]` unrecorded calls, then `samples[k]` recorded ones, one at a time on
 * one keep-alive connection per target. The targets take turns call by call (1, 2, 3, 1, 2, 3,
 * …; a target with fewer samples drops out when it has them), so a burst of load from
 * elsewhere on the machine hits them alike. `calls(k, i)` gives target k's i-th call
 * (warm-up calls have negative i), so a case can vary its target (e.g. a different
 * destination to reset each time). Every status must be the expected one.
 */
export async function measure(
  ts: Target[],
  calls: (k: number, i: number) => Call,
  warmup: number[],
  samples: number[],
): Promise<Measured[]> {
  const agents = ts.map(() => new http.Agent({ keepAlive: true, maxSockets: 1 }));
  try {
    const times: number[][] = ts.map(() => []);
    const sql: number[][] = ts.map(() => []);
    const last: (Sample | undefined)[] = ts.map(() => undefined);
    for (let i = -Math.max(...warmup); i < Math.max(...samples); i++) {
      for (let k = 0; k < ts.length; k++) {
        if (i < -warmup[k] || i >= samples[k]) continue;
        const c = calls(k, i);
        const s = await request(agents[k], ts[k], c);
        if (s.status !== c.expect)
          throw new Error(`${c.method} ${ts[k].base}${c.path}: status ${s.status}, expected ${c.expect}`);
        if (i >= 0) {
          times[k].push(s.ms);
          if (s.sqlMs !== null) sql[k].push(s.sqlMs);
          last[k] = s;
        }
      }
    }
    return ts.map((_, k) => ({
      http: stats(times[k]),
      sql: sql[k].length ? stats(sql[k]) : null,
      status: last[k]?.status ?? 0,
      bytes: last[k]?.bytes ?? 0,
    }));
  } finally {
    for (const a of agents) a.destroy();
  }
}

export type Throughput = {
  rps: number;
  requests: number;
  seconds: number;
  latency: Stats;
  errors: number;
  samples: number[];
};

/**
 * Closed loop: `connections` clients per target, each sending its next request when the last
 * answered. The targets take turns in `rounds` short runs (A B C A B C …) so that load from
 * elsewhere on the machine, which comes and goes, falls on all of them alike; after 2 s of
 * warm-up each.
 */
export async function throughput(
  ts: Target[],
  c: Call,
  connections: number,
  seconds: number,
  rounds = 5,
  warmupSeconds = 2,
): Promise<Throughput[]> {
  const agents = ts.map(() => new http.Agent({ keepAlive: true, maxSockets: connections }));
  const run = async (k: number, secs: number, lat: number[] | null) => {
    let errors = 0;
    const end = performance.now() + secs * 1000;
    const t0 = performance.now();
    await Promise.all(
      Array.from({ length: connections }, async () => {
        while (performance.now() < end) {
          const s = await request(agents[k], ts[k], c).catch(() => null);
          if (!s || s.status !== c.expect) errors++;
          else lat?.push(s.ms);
        }
      }),
    );
    return { errors, secs: (performance.now() - t0) / 1000 };
  };
  try {
    if (warmupSeconds > 0) for (let k = 0; k < ts.length; k++) await run(k, warmupSeconds, null);
    const lat: number[][] = ts.map(() => []);
    const errors = ts.map(() => 0);
    const took = ts.map(() => 0);
    for (let r = 0; r < rounds; r++) {
      for (let k = 0; k < ts.length; k++) {
        const x = await run(k, seconds / rounds, lat[k]);
        errors[k] += x.errors;
        took[k] += x.secs;
      }
    }
    return ts.map((_, k) => ({
      rps: lat[k].length / took[k],
      requests: lat[k].length,
      seconds: took[k],
      latency: stats(lat[k]),
      errors: errors[k],
      samples: lat[k],
    }));
  } finally {
    for (const a of agents) a.destroy();
  }
}
