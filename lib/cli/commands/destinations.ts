// fedctl destinations import / export: JSON Lines with Synapse's field names (README, "Import and export").
import fs from "node:fs";
import { recordAudit } from "@/lib/audit/record-audit";
import { CLI_PRINCIPAL } from "@/lib/auth/principal";
import { exportDestinations } from "@/lib/destinations/export-destinations";
import { importDestinations } from "@/lib/destinations/import/import-destinations";
import { AppError } from "@/lib/errors";
import { defineCommand } from "../command-table";

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
      const file = args.file;
      if (file !== "-" && !fs.existsSync(file)) throw new AppError("invalid_param", `No such file: ${file}`);
      const db = await ctx.db();
      const input = file === "-" ? process.stdin : fs.createReadStream(file);
      const started = Date.now();
      let lastReport = started;
      const report = await importDestinations(input, {
        pool: db.pool,
        bulk: !values.online,
        onNote: (m) => process.stderr.write(`${m}\n`),
        onProgress: (lines) => {
          if (Date.now() - lastReport > 5_000) {
            lastReport = Date.now();
            process.stderr.write(`… ${lines} lines\n`);
          }
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
      for (const e of report.errors) process.stderr.write(`line ${e.line}: ${e.message}\n`);
      if (report.errorCount > report.errors.length)
        process.stderr.write(`… and ${report.errorCount - report.errors.length} more bad lines\n`);
      process.stderr.write(
        `Imported ${report.imported} destinations and ${report.rooms} rooms from ${report.lines} lines in ${((Date.now() - started) / 1000).toFixed(1)} s; ` +
          `${report.errorCount} bad lines skipped.\n`,
      );
      return report.errorCount > 0 ? 1 : 0;
    },
  }),
  defineCommand({
    name: "destinations export",
    summary: "JSON Lines to standard output",
    positionals: {},
    options: { "no-rooms": { type: "boolean", description: "leave out each destination's rooms" } },
    async run({ values }, ctx) {
      const db = await ctx.db();
      const r = await exportDestinations(process.stdout, { pool: db.pool, withRooms: !values["no-rooms"] });
      process.stderr.write(`Exported ${r.destinations} destinations and ${r.rooms} rooms.\n`);
      return 0;
    },
  }),
];
