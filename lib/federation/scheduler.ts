// The retry scheduler: finds due destinations (claim-due.ts), attempts them with bounded
// concurrency (attempt-connection.ts), records the outcome (record-attempt.ts). It wakes at
// once on a reset (PostgreSQL LISTEN on WAKE_CHANNEL, from any process), otherwise polls.
import crypto from "node:crypto";
import os from "node:os";
import type pg from "pg";
import { claimDue, releaseClaims, releaseStrayClaims, type Claim } from "./claim-due";
import { recordAttempt, type RecordOptions } from "./record-attempt";
import type { AttemptResult } from "./attempt-result";
import type { SchedulerSettings } from "../settings/settings";
import { forgetDiscovery } from "./attempt-connection";
import { FLUSH_DISCOVERY_CHANNEL, WAKE_CHANNEL } from "./wake";
import { isDatabaseDown } from "../db/errors";
import { keepListening } from "../db/listener";
import { observeAttempt, observeTick, reportClaimsInFlight } from "../metrics/observe";

/** `trigger` says why: after a reset, the attempt looks past this process's caches. */
export type AttemptFn = (destination: string, signal: AbortSignal, trigger: Claim["trigger"]) => Promise<AttemptResult>;

export type SchedulerDeps = {
  pool: pg.Pool;
  /** Connection string for the LISTEN connection (a dedicated client, not from the pool). */
  databaseUrl: string;
  attempt: AttemptFn;
  config: SchedulerSettings;
  /** Mirror mode: attempt only asked-for destinations and never write the homeserver's timings. */
  probeOnly?: boolean;
  /** Upper bound of one attempt; the claim lease is derived from it. */
  attemptTimeoutMs: number;
  log?: (msg: string) => void;
  now?: () => number;
  /** Passed to recordAttempt: work in the attempt's transaction (alert detection). */
  afterRecord?: RecordOptions["afterRecord"];
};

export type SchedulerHandle = {
  readonly owner: string;
  /** Number of attempts in flight right now. */
  inFlight(): number;
  /** Look for due destinations now. */
  poke(): void;
  /** Stop claiming, let in-flight attempts finish (up to graceMs), give back the rest. */
  stop(graceMs?: number): Promise<void>;
};

export function startScheduler(deps: SchedulerDeps): SchedulerHandle {
  const log = deps.log ?? (() => {});
  const now = deps.now ?? Date.now;
  const owner = `${os.hostname()}:${process.pid}:${crypto.randomBytes(3).toString("hex")}`;
  // A claim outlives any honest attempt (timeout + recording), and not much more.
  const leaseMs = deps.config.claimLeaseMs ?? deps.attemptTimeoutMs * 2 + 30_000;
  if (leaseMs <= deps.attemptTimeoutMs) {
    throw new Error(
      `FEDERATION_CLAIM_LEASE (${leaseMs} ms) must be longer than FEDERATION_ATTEMPT_TIMEOUT (${deps.attemptTimeoutMs} ms)`,
    );
  }
  const inflight = new Map<string, AbortController>();
  let stopped = false;
  let wakeUp: (() => void) | undefined;
  let pending = false;
  let failures = 0;
  let strayClaims = false; // a claim statement failed: some of its claims may have committed

  const poke = () => {
    pending = true;
    wakeUp?.();
  };

  async function runOne(claim: Claim): Promise<void> {
    const ac = new AbortController();
    const claimedAt = now();
    inflight.set(claim.destination, ac);
    try {
      const result = await deps.attempt(claim.destination, ac.signal, claim.trigger);
      if (stopped && ac.signal.aborted) return; // abandoned at shutdown: the claim is released
      const finishedAt = now();
      // A database hiccup must not lose a result the remote already gave us: retry the write
      // while our claim still holds (after that another scheduler may attempt it again).
      for (let tries = 1; ; tries++) {
        try {
          await recordAttempt(deps.pool, claim, result, {
            nowMs: finishedAt,
            owner,
            backoff: deps.config.backoff,
            historyLimit: deps.config.attemptHistory,
            writeTimings: !deps.probeOnly,
            afterRecord: deps.afterRecord,
          });
          observeAttempt(result.outcome, result.reason, result.durationMs);
          break;
        } catch (e) {
          const retry = isDatabaseDown(e) && !stopped && now() + 1_000 < claimedAt + leaseMs;
          if (!retry) throw e;
          if (tries === 1)
            log(`recording the attempt for ${claim.destination} failed (${(e as Error).message}); retrying`);
          await new Promise((r) => setTimeout(r, 500));
        }
      }
    } catch (e) {
      log(`attempt for ${claim.destination} could not be recorded: ${(e as Error).message}`);
    } finally {
      inflight.delete(claim.destination);
      poke(); // a slot is free
    }
  }

  async function loop(): Promise<void> {
    while (!stopped) {
      pending = false;
      const free = deps.config.concurrency - inflight.size;
      let claimed = 0;
      if (free > 0) {
        try {
          if (strayClaims) {
            const n = await releaseStrayClaims(deps.pool, owner, [...inflight.keys()]);
            strayClaims = false;
            if (n > 0) log(`released ${n} claims taken while the connection was failing`);
          }
          const tickStart = performance.now();
          const claims = await claimDue(deps.pool, {
            limit: free,
            nowMs: now(),
            leaseMs,
            owner,
            healthIntervalMs: deps.config.healthIntervalMs,
            probeOnly: deps.probeOnly,
          });
          observeTick(performance.now() - tickStart);
          if (failures > 0) log("database reachable again; scheduling resumes");
          failures = 0;
          claimed = claims.length;
          for (const c of claims) void runOne(c);
        } catch (e) {
          // Database down: pause and retry, growing the pause up to 5 s (the LISTEN connection,
          // retried every 250 ms, wakes us sooner when the database is back). The claim may have
          // committed without our hearing of it: release such claims once we can.
          failures++;
          strayClaims = true;
          if (failures === 1) log(`cannot claim due destinations (${(e as Error).message}); retrying`);
        }
      }
      if (stopped) break;
      // More may be due right away if we filled every free slot.
      if (claimed > 0 && claimed === free) continue;
      const delay = failures > 0 ? Math.min(5_000, 250 * 2 ** Math.min(failures, 5)) : deps.config.pollIntervalMs;
      if (!pending) {
        await new Promise<void>((resolve) => {
          const t = setTimeout(resolve, delay);
          wakeUp = () => {
            clearTimeout(t);
            resolve();
          };
        });
        wakeUp = undefined;
      }
    }
  }

  // Resets and flushes from any process (lib/db/listener.ts); a poke each time LISTEN is in
  // place catches up on whatever was requested while nobody listened.
  const listener = keepListening({
    databaseUrl: deps.databaseUrl,
    channels: [WAKE_CHANNEL, FLUSH_DISCOVERY_CHANNEL],
    reconnectMs: 250,
    onNotification: (channel, payload) => {
      if (channel === FLUSH_DISCOVERY_CHANNEL) forgetDiscovery(payload ?? "");
      else poke();
    },
    onListening: () => poke(),
  });

  const unreport = reportClaimsInFlight(() => inflight.size);
  const loopDone = loop();
  log(`retry scheduler started (${owner}, concurrency ${deps.config.concurrency})`);

  return {
    owner,
    inFlight: () => inflight.size,
    poke,
    async stop(graceMs = 5_000) {
      if (stopped) return;
      stopped = true;
      unreport();
      wakeUp?.();
      await listener.stop();
      await loopDone;
      const deadline = Date.now() + graceMs;
      while (inflight.size > 0 && Date.now() < deadline) await new Promise((r) => setTimeout(r, 50));
      const abandoned = [...inflight.keys()];
      for (const ac of inflight.values()) ac.abort();
      await releaseClaims(deps.pool, owner, abandoned).catch(() => {});
      log(
        `retry scheduler stopped${abandoned.length ? ` (${abandoned.length} attempts abandoned, claims released)` : ""}`,
      );
    },
  };
}
