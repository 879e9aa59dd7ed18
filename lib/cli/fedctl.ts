// fedctl: the command line (npm run --silent fedctl -- <command>). Works on a fresh database
// and while the server runs (it connects to the running embedded PostgreSQL, or DATABASE_URL).
// The commands live in lib/cli/commands/; argv is checked against them (parse-command.ts) before
// a database is opened, so a mistyped option fails at once and changes nothing.
import "../process/closed-output"; // first: `fedctl … | head` must not raise EPIPE
import { closeDb, getDb } from "../db";
import { AppError } from "../errors";
import { COMMANDS } from "./commands/all-commands";
import { parseCommand } from "./parse-command";

const quietLog = (m: string) => process.stderr.write(m + "\n");

async function run(argv: string[]): Promise<number> {
  const parsed = parseCommand(argv, COMMANDS);
  if (parsed.kind === "help") {
    process.stdout.write(parsed.text + "\n");
    return parsed.exitCode;
  }
  if (parsed.kind === "error") {
    process.stderr.write(parsed.text + "\n");
    return parsed.exitCode;
  }
  return parsed.command.run(parsed.input, {
    db: () => getDb({ log: quietLog }),
    out: (line) => process.stdout.write(line + "\n"),
  });
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
