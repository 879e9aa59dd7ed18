// fedctl: the command line (npm run --silent fedctl -- <command>). Works on a fresh database
// and while the server runs (it connects to the running embedded PostgreSQL, or DATABASE_URL).
import fs from "node:fs";
import { getDb, closeDb } from "../db";
import { AppError } from "../errors";
import { CLI_PRINCIPAL, parseRole } from "../auth/principal";
import { addUser, listUsers, removeUser, setUserRole } from "../auth/users";
import { createToken, listTokens, revokeToken } from "../auth/tokens";
import { importDestinations } from "../destinations/import/import-destinations";
import { exportDestinations } from "../destinations/export-destinations";
import { recordAudit } from "../audit/record-audit";

const USAGE = `usage: fedctl <command>
  users add EMAIL --role viewer|operator|admin [--password P]   (prints a generated password if none given)
  users list
  users set-role EMAIL ROLE
  users remove EMAIL
  tokens create EMAIL [--name NAME]      prints only the token (shown once)
  tokens list
  tokens revoke ID|PREFIX
  destinations import FILE|- [--online]  JSON Lines, Synapse field names, optional "rooms";
                                         into an empty table: one transaction, indexes built
                                         at the end (--online: per-batch, table stays readable)
  destinations export [--no-rooms]       JSON Lines to standard output
  migrate                                apply pending database migrations`;

type Args = { positional: string[]; flags: Map<string, string | true> };

/** Flags that never take a value (so `--online FILE` keeps FILE positional). */
const SWITCHES = new Set(["online", "no-rooms", "help"]);

function parseArgs(argv: string[]): Args {
  const positional: string[] = [];
  const flags = new Map<string, string | true>();
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i];
    if (a.startsWith("--")) {
      const [k, v] = a.slice(2).split("=", 2);
      if (v !== undefined) flags.set(k, v);
      else if (!SWITCHES.has(k) && i + 1 < argv.length && !argv[i + 1].startsWith("--")) flags.set(k, argv[++i]);
      else flags.set(k, true);
    } else positional.push(a);
  }
  return { positional, flags };
}

function flag(a: Args, name: string): string | undefined {
  const v = a.flags.get(name);
  if (v === true) throw new AppError("invalid_param", `--${name} needs a value`);
  return v;
}

function need(v: string | undefined, what: string): string {
  if (!v) throw new AppError("invalid_param", `missing ${what}\n\n${USAGE}`);
  return v;
}

const quietLog = (m: string) => process.stderr.write(m + "\n");

async function run(argv: string[]): Promise<number> {
  const a = parseArgs(argv);
  const [group, cmd, arg] = a.positional;
  if (!group || group === "help" || a.flags.has("help")) {
    process.stdout.write(USAGE + "\n");
    return group ? 0 : 2;
  }
  const db = await getDb({ log: quietLog });
  const out = (s: string) => process.stdout.write(s + "\n");
  switch (`${group} ${cmd ?? ""}`.trim()) {
    case "migrate":
      out("Migrations are up to date.");
      return 0;
    case "users add": {
      const r = await addUser(db.prisma, CLI_PRINCIPAL, {
        email: need(arg, "EMAIL"),
        role: parseRole(need(flag(a, "role"), "--role")),
        password: flag(a, "password"),
      });
      out(`Added ${r.user.email} (${r.user.role}).`);
      if (r.generatedPassword) out(`Password: ${r.generatedPassword}`);
      return 0;
    }
    case "users list":
      for (const u of await listUsers(db.prisma, CLI_PRINCIPAL))
        out(`${u.email}\t${u.role}\t${u.createdAt.toISOString()}`);
      return 0;
    case "users set-role": {
      const u = await setUserRole(
        db.prisma,
        CLI_PRINCIPAL,
        need(arg, "EMAIL"),
        parseRole(need(a.positional[3], "ROLE")),
      );
      out(`${u.email} is now ${u.role}.`);
      return 0;
    }
    case "users remove":
      await removeUser(db.prisma, CLI_PRINCIPAL, need(arg, "EMAIL"));
      out(`Removed ${arg}.`);
      return 0;
    case "tokens create": {
      const r = await createToken(db.prisma, CLI_PRINCIPAL, { ownerEmail: need(arg, "EMAIL"), name: flag(a, "name") });
      out(r.token);
      return 0;
    }
    case "tokens list":
      for (const t of await listTokens(db.prisma, CLI_PRINCIPAL, { all: true })) {
        const state = t.revokedAt ? `revoked ${t.revokedAt.toISOString()}` : "active";
        out(
          `${t.id}\t${t.prefix}…\t${t.ownerEmail}\t${t.name}\tcreated ${t.createdAt.toISOString()}\tlast used ${t.lastUsedAt?.toISOString() ?? "never"}\t${state}`,
        );
      }
      return 0;
    case "tokens revoke": {
      const t = await revokeToken(db.prisma, CLI_PRINCIPAL, need(arg, "ID|PREFIX"));
      out(`Revoked ${t.prefix}… (${t.name}, ${t.ownerEmail}).`);
      return 0;
    }
    case "destinations import": {
      const file = need(arg, "FILE (or - for standard input)");
      const input = file === "-" ? process.stdin : fs.createReadStream(file);
      if (file !== "-" && !fs.existsSync(file)) throw new AppError("invalid_param", `No such file: ${file}`);
      const started = Date.now();
      let lastReport = started;
      const report = await importDestinations(input, {
        pool: db.pool,
        bulk: !a.flags.has("online"),
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
    }
    case "destinations export": {
      const r = await exportDestinations(process.stdout, { pool: db.pool, withRooms: !a.flags.has("no-rooms") });
      process.stderr.write(`Exported ${r.destinations} destinations and ${r.rooms} rooms.\n`);
      return 0;
    }
    default:
      process.stderr.write(`unknown command: ${a.positional.join(" ")}\n\n${USAGE}\n`);
      return 2;
  }
}

run(process.argv.slice(2))
  .then(async (code) => {
    await closeDb();
    process.exit(code);
  })
  .catch(async (e: unknown) => {
    process.stderr.write(`fedctl: ${e instanceof AppError ? e.message : e instanceof Error ? e.stack : String(e)}\n`);
    await closeDb().catch(() => {});
    process.exit(1);
  });
