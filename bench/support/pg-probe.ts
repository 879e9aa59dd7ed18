// Preloaded into the scheduler process by bench/scheduler.ts (`node --import tsx --import
// ./bench/support/pg-probe.ts scripts/scheduler.ts`): times every statement the process sends
// through pg (client side: from the call until the result arrived) without touching the
// scheduler's code, and writes the totals to $BENCH_PG_PROBE_OUT when the process exits.
//
// A tick is one claimDue() call: its first statement is the claim of reset-woken destinations
// (always run), so ticks are counted on that statement. "claim" statements are the claim
// UPDATEs; everything else (recording attempts, pruning history, BEGIN/COMMIT) is "other".
import fs from "node:fs";
import pg from "pg";

type Kind = "claim" | "other";
const out = process.env.BENCH_PG_PROBE_OUT;
const totals = { claim: { n: 0, ms: 0 }, other: { n: 0, ms: 0 } };
/** Claim time per tick (ms), in tick order. */
const ticks: number[] = [];

function kindOf(text: string): Kind {
  return text.includes("SET claimed_until = $2, claimed_by = $3") ? "claim" : "other";
}

function record(text: string, ms: number) {
  const k = kindOf(text);
  totals[k].n++;
  totals[k].ms += ms;
  if (k === "claim") {
    if (text.includes("wake_requested_at IS NOT NULL")) ticks.push(ms);
    else if (ticks.length) ticks[ticks.length - 1] += ms;
  }
}

const original = pg.Client.prototype.query as (...args: unknown[]) => unknown;
pg.Client.prototype.query = function (this: pg.Client, ...args: unknown[]) {
  const first = args[0];
  const text =
    typeof first === "string"
      ? first
      : typeof (first as { text?: unknown })?.text === "string"
        ? (first as { text: string }).text
        : null;
  // Submittables (COPY streams, cursors) and unknown shapes pass through untimed.
  if (text === null || typeof (first as { submit?: unknown })?.submit === "function") return original.apply(this, args);
  const t0 = process.hrtime.bigint();
  const done = () => record(text, Number(process.hrtime.bigint() - t0) / 1e6);
  const cb = args[args.length - 1];
  if (typeof cb === "function") {
    args[args.length - 1] = (err: unknown, res: unknown) => {
      done();
      return (cb as (e: unknown, r: unknown) => unknown)(err, res);
    };
    return original.apply(this, args);
  }
  const p = original.apply(this, args) as Promise<unknown>;
  return p.then(
    (v) => {
      done();
      return v;
    },
    (e) => {
      done();
      throw e;
    },
  );
} as typeof pg.Client.prototype.query;

if (out) process.on("exit", () => fs.writeFileSync(out, JSON.stringify({ totals, ticks })));
