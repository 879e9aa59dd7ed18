// fedctl upstream status | sync: mirror mode from the command line (README "Use it with your homeserver").
import pg from "pg";
import { CLI_PRINCIPAL } from "@/lib/auth/principal";
import { recordAudit } from "@/lib/audit/record-audit";
import { AppError } from "@/lib/errors";
import { formatDuration, formatTimestamp } from "@/lib/destinations/humanize";
import { settings } from "@/lib/settings/settings";
import { runFullPass } from "@/lib/upstream/full-pass";
import { mirrorContext } from "@/lib/upstream/mirror";
import { NOT_MIRRORING, requestSync } from "@/lib/upstream/request-sync";
import { listPasses, loadState } from "@/lib/upstream/sync-state";
import { getSyncStatus, syncStatusJson } from "@/lib/upstream/sync-status";
import { SYNC_LOCK_KEY, sourceKey } from "@/lib/upstream/syncer";
import { toJson } from "@/lib/http/json";
import { defineCommand } from "../command-table";
import { startProgress } from "../progress";

const ago = (t: number | null) =>
  t === null ? "never" : `${formatTimestamp(BigInt(t))} UTC (${formatDuration(Date.now() - t)} ago)`;

export const upstreamCommands = [
  defineCommand({
    name: "upstream status",
    summary: "what the console mirrors, when it last synced, the pass in progress and the last passes",
    positionals: {},
    options: { json: { type: "boolean", description: "print GET /_fedconsole/v1/upstream's JSON instead" } },
    async run({ values }, ctx) {
      const db = await ctx.db();
      const s = await getSyncStatus(db.pool, mirrorContext(), { passes: 5 });
      if (values.json) {
        ctx.out(toJson(syncStatusJson(s)));
        return 0;
      }
      if (s.mode === "standalone") {
        ctx.out("standalone: this console mirrors no homeserver (FEDCONSOLE_UPSTREAM_URL is unset).");
        return 0;
      }
      ctx.out(`mirroring ${s.label} through its ${s.kind === "api" ? "admin API" : "database"}`);
      ctx.out(`resets: ${s.canReset ? "relayed to its admin API" : "not possible (database source only)"}`);
      ctx.out(`last complete sync: ${ago(s.lastSyncOkAt)}; last full pass: ${ago(s.lastFullOkAt)}`);
      if (s.failingSince !== null) ctx.out(`FAILING since ${ago(s.failingSince)}: ${s.lastError}`);
      if (s.running) {
        const total = s.running.upstreamTotal === null ? "" : ` of ${s.running.upstreamTotal}`;
        ctx.out(`running: ${s.running.kind} pass, ${s.running.rowsSeen}${total} rows seen`);
      }
      for (const p of s.recent) {
        const took = formatDuration((p.finishedAt ?? p.progressAt) - p.startedAt);
        ctx.out(
          `${formatTimestamp(BigInt(p.startedAt))}\t${p.kind}\t${p.status}\t${took}\tseen ${p.rowsSeen}\t+${p.rowsAdded} ~${p.rowsChanged} -${p.rowsRemoved}\trooms ${p.roomsWritten}\t${p.errors} problems${p.error ? `\t${p.error}` : ""}`,
        );
      }
      return 0;
    },
  }),
  defineCommand({
    name: "upstream sync",
    summary: "a full pass now (here, or by the process that syncs), with its progress",
    details:
      "Runs the pass in this process when no other process syncs; otherwise asks the syncing process\n" +
      "(npm start or npm run scheduler) and follows its progress. Exit 1 if the pass failed.",
    positionals: {},
    options: {},
    async run(_input, ctx) {
      const mirror = mirrorContext();
      if (!mirror) throw new AppError("conflict", NOT_MIRRORING);
      const db = await ctx.db();
      const lock = new pg.Client({ connectionString: db.url });
      await lock.connect();
      const progress = startProgress({ unit: "destinations" });
      try {
        const mine = (await lock.query<{ ok: boolean }>("SELECT pg_try_advisory_lock($1) AS ok", [SYNC_LOCK_KEY]))
          .rows[0].ok;
        let status: string;
        let summary: string;
        if (mine) {
          const source = mirror.source();
          await loadState(db.pool, sourceKey(source));
          await recordAudit(db.pool, CLI_PRINCIPAL, { action: "upstream.sync", detail: { source: mirror.label } });
          const u = settings().upstream!;
          try {
            const r = await runFullPass({
              pool: db.pool,
              source,
              pageSize: u.pageSize,
              roomsConcurrency: u.roomsConcurrency,
              roomsPerPass: u.roomsPerPass,
              owner: "fedctl",
              signal: new AbortController().signal,
              onProgress: (c, phase) =>
                progress.update(c.rowsSeen, c.upstreamTotal === null ? null : Number(c.upstreamTotal), phase),
            });
            status = r.status;
            summary =
              r.error ??
              `${r.counts.rowsSeen} seen, ${r.counts.rowsAdded} added, ${r.counts.rowsChanged} changed, ${r.counts.rowsRemoved} removed, ${r.counts.roomsWritten} room rows written, ${r.counts.errors} problems`;
            for (const n of r.notes) process.stderr.write(`note: ${n}\n`);
          } finally {
            await source.close();
          }
        } else {
          const before = (await listPasses(db.pool, { kind: "full", limit: 1 }))[0]?.id ?? 0n;
          await requestSync(db.pool, CLI_PRINCIPAL, mirror);
          process.stderr.write("Another process syncs; asked it for a full pass.\n");
          for (;;) {
            await new Promise((r) => setTimeout(r, 500));
            const p = (await listPasses(db.pool, { kind: "full", limit: 1 }))[0];
            if (!p || p.id <= before) continue;
            progress.update(p.rowsSeen, p.upstreamTotal === null ? null : Number(p.upstreamTotal));
            if (p.status === "running") continue;
            status = p.status;
            summary =
              p.error ??
              `${p.rowsSeen} seen, ${p.rowsAdded} added, ${p.rowsChanged} changed, ${p.rowsRemoved} removed, ${p.errors} problems`;
            break;
          }
        }
        progress.finish(`Full pass ${status}: ${summary}.`);
        return status === "failed" ? 1 : 0;
      } finally {
        await lock.end().catch(() => {});
      }
    },
  }),
];
