// fedctl destinations import / export: JSON Lines with Synapse's field names (README, "Import and export").
import fs from "node:fs";
import { Transform } from "node:stream";
import { recordAudit } from "@/lib/audit/record-audit";
import { CLI_PRINCIPAL } from "@/lib/auth/principal";
import { exportDestinations } from "@/lib/destinations/export-destinations";
import { importDestinations } from "@/lib/destinations/import/import-destinations";
import { AppError } from "@/lib/errors";
import { attemptNow } from "@/lib/destinations/attempt-now";
import { processAttemptNowEnv } from "@/lib/destinations/attempt-now-env";
import { manualAttemptWords } from "@/lib/destinations/manual-attempt-words";
import { manualAttemptJson } from "@/lib/destinations/attempt-json";
import { toJson } from "@/lib/http/json";
import { MIRROR_OWNS_LIST } from "@/lib/destinations/add-destinations";
import { mirrorContext } from "@/lib/upstream/mirror";
import { defineCommand } from "../command-table";
import { startProgress } from "../progress";

export const destinationCommands = [
  defineCommand({
    name: "destinations import",
    summary: 'JSON Lines (FILE, or - for standard input), Synapse field names, optional "rooms"',
    details:
      "Into an empty table: one transaction, indexes built at the end (other sessions wait for the table);\n" +
      "otherwise, or with --online: batches of 10,000 lines commit one by one, the table stays readable.",
    positionals: { file: "FILE|-" },
    options: { online: { type: "boolean", description: "commit per batch even into an empty table" } },
    async run({ args, values }, ctx) {
      // In mirror mode the homeserver owns the list and the four Synapse columns: only the sync
      // writes them (an import would be undone by the next full pass anyway).
      if (mirrorContext())
        throw new AppError("bad_request", `${MIRROR_OWNS_LIST} (fedctl upstream sync copies them from it.)`);
      const file = args.file;
      if (file !== "-" && !fs.existsSync(file)) throw new AppError("invalid_param", `No such file: ${file}`);
      const db = await ctx.db();
      // The bar is bytes read of the file's size (standard input: no size, no bar); the rate is
      // of lines written (committed batches).
      const size = file === "-" ? null : fs.statSync(file).size;
      let bytesRead = 0;
      const counted = new Transform({
        transform(chunk: Buffer, _enc, done) {
          bytesRead += chunk.length;
          done(null, chunk);
        },
      });
      const source = file === "-" ? process.stdin : fs.createReadStream(file);
      source.on("error", (e: Error) => counted.destroy(e)); // a read error ends the import with it
      const input = source.pipe(counted);
      const progress = startProgress({ unit: "bytes", countUnit: "lines" });
      const started = Date.now();
      const report = await importDestinations(input, {
        pool: db.pool,
        bulk: !values.online,
        onNote: (m) => progress.print(m),
        onProgress: (lines) => {
          progress.update(bytesRead, size, undefined, lines);
        },
      });
      await recordAudit(db.pool, CLI_PRINCIPAL, {
        action: "destinations.import",
        detail: {
          file,
          lines: report.lines,
          imported: report.imported,
          rooms: report.rooms,
          errors: report.errorCount,
        },
      });
      for (const e of report.errors) progress.print(`line ${e.line}: ${e.message}`);
      if (report.errorCount > report.errors.length)
        progress.print(`… and ${report.errorCount - report.errors.length} more bad lines`);
      progress.finish(
        `Imported ${report.imported} destinations and ${report.rooms} rooms from ${report.lines} lines in ${((Date.now() - started) / 1000).toFixed(1)} s; ` +
          `${report.errorCount} bad lines skipped.`,
      );
      return report.errorCount > 0 ? 1 : 0;
    },
  }),
  defineCommand({
    name: "destinations attempt",
    summary: "one attempt of NAME now, as the console's Attempt now (a failure never moves the backoff)",
    details:
      "Through the scheduler's own claim and attempt path, recorded with trigger manual and audited.\n" +
      "Exit 0 when the remote answered (success), 1 otherwise.",
    positionals: { name: "NAME" },
    options: {
      json: { type: "boolean", description: "print POST /_fedconsole/v1/destinations/<name>/attempt's JSON" },
    },
    async run({ args, values }, ctx) {
      const db = await ctx.db();
      const done = await attemptNow(db.pool, CLI_PRINCIPAL, args.name, processAttemptNowEnv());
      ctx.out(values.json ? toJson(manualAttemptJson(done)) : manualAttemptWords(done));
      return done.attempt.outcome === "success" ? 0 : 1;
    },
  }),
  defineCommand({
    name: "destinations export",
    summary: "JSON Lines to standard output",
    positionals: {},
    options: { "no-rooms": { type: "boolean", description: "leave out each destination's rooms" } },
    async run({ values }, ctx) {
      const db = await ctx.db();
      // Progress on standard error (a bar on a terminal), so standard output is the file alone.
      const progress = startProgress({ unit: "destinations" });
      const started = Date.now();
      const r = await exportDestinations(process.stdout, {
        pool: db.pool,
        withRooms: !values["no-rooms"],
        actor: CLI_PRINCIPAL,
        onProgress: (written, total) => progress.update(written, total),
      });
      progress.finish(
        `Exported ${r.destinations} destinations and ${r.rooms} rooms in ${((Date.now() - started) / 1000).toFixed(1)} s.`,
      );
      return 0;
    },
  }),
];
