// fedctl destinations import/export against the running server's database: what is imported
// is what the API serves (exact 64-bit integers), bad lines are reported by number and
// change nothing, and export round-trips. Argument mistakes (an unknown option on any command)
// exit 2 before a database is opened; --help works (a command of each group as real processes).
import net from "node:net";
import { test, expect, seed, call, FED, testEnv, db } from "./support/fixtures";
import { fedctl } from "./support/server";
import { usageLine } from "../lib/cli/command-table";
import { COMMANDS } from "../lib/cli/commands/all-commands";

const lines = [
  '{"destination":"big.example","retry_last_ts":9223372036854775807,"retry_interval":600000,"failure_ts":9007199254740993,"last_successful_stream_ordering":42,"rooms":[{"room_id":"!b:x","stream_ordering":2},{"room_id":"!a:x","stream_ordering":9007199254740993}]}',
  '{"destination":"ok.example","retry_last_ts":0,"retry_interval":0,"failure_ts":null,"last_successful_stream_ordering":null}',
  '{"destination":"half.example","retry_last_ts":"soon"}',
  "{not json",
  "",
  '{"destination":"ok2.example","rooms":[]}',
];

test("import reports bad lines by number, imports the rest, and the API serves it exactly", async ({ request }) => {
  await seed([]);
  const r = await fedctl(["destinations", "import", "-"], testEnv(), lines.join("\n") + "\n");
  expect(r.code).toBe(1); // some lines were bad
  expect(r.stderr).toContain("line 3: ");
  expect(r.stderr).toContain("line 4: ");
  expect(r.stderr).toMatch(/Imported 3 destinations and 2 rooms from 6 lines/);
  const names = (await db().query("SELECT destination FROM destinations ORDER BY destination")).rows.map(
    (x) => x.destination,
  );
  expect(names).toEqual(["big.example", "ok.example", "ok2.example"]);

  const details = await call(request, "GET", `${FED}/big.example`);
  expect(details.text).toBe(
    '{"destination":"big.example","last_successful_stream_ordering":42,"failure_ts":9007199254740993,"retry_last_ts":9223372036854775807,"retry_interval":600000}',
  );
  const rooms = await call(request, "GET", `${FED}/big.example/rooms`);
  expect(rooms.text).toBe(
    '{"rooms":[{"room_id":"!a:x","stream_ordering":9007199254740993},{"room_id":"!b:x","stream_ordering":2}],"total":2}',
  );
  const audit = await db().query(
    "SELECT actor, via, detail FROM audit_events WHERE action = 'destinations.import' ORDER BY id DESC LIMIT 1",
  );
  expect(audit.rows[0]).toMatchObject({ actor: "fedctl", via: "cli", detail: { lines: 6, imported: 3, errors: 2 } });
});

test("export writes what import reads: a round trip is exact", async () => {
  await seed([]);
  const first = await fedctl(["destinations", "import", "-"], testEnv(), [lines[0], lines[1]].join("\n"));
  expect(first.code).toBe(0);
  const out = await fedctl(["destinations", "export"], testEnv());
  expect(out.code).toBe(0);
  const exported = out.stdout.trim().split("\n");
  expect(exported).toEqual([
    '{"destination":"big.example","retry_last_ts":9223372036854775807,"retry_interval":600000,"failure_ts":9007199254740993,"last_successful_stream_ordering":42,"rooms":[{"room_id":"!a:x","stream_ordering":9007199254740993},{"room_id":"!b:x","stream_ordering":2}]}',
    '{"destination":"ok.example","retry_last_ts":0,"retry_interval":0,"failure_ts":null,"last_successful_stream_ordering":null,"rooms":[]}',
  ]);
  expect(out.stderr).toMatch(/Exported 2 destinations and 2 rooms in [\d.]+ s\./);
  const audit = await db().query(
    "SELECT actor, via, detail FROM audit_events WHERE action = 'destinations.export' ORDER BY id DESC LIMIT 1",
  );
  expect(audit.rows[0]).toMatchObject({
    actor: "fedctl",
    via: "cli",
    detail: { format: "jsonl", rows: 2, rooms: true },
  });
  await seed([]);
  expect((await fedctl(["destinations", "import", "-"], testEnv(), out.stdout)).code).toBe(0);
  expect((await fedctl(["destinations", "export"], testEnv())).stdout).toBe(out.stdout);
});

test("importing a missing file is a clear error that changes nothing", async () => {
  await seed([{ destination: "keep.example" }]);
  const r = await fedctl(["destinations", "import", "/nonexistent/file.jsonl"], testEnv());
  expect(r.code).toBe(1);
  expect(r.stderr).toContain("No such file: /nonexistent/file.jsonl");
  expect((await db().query("SELECT count(*)::int AS n FROM destinations")).rows[0].n).toBe(1);
});

/** A loopback port nothing listens on: a fedctl that tried to open its database there would fail differently. */
async function closedPortDatabaseUrl(): Promise<string> {
  const server = net.createServer().listen(0, "127.0.0.1");
  await new Promise((r) => server.once("listening", r));
  const { port } = server.address() as net.AddressInfo;
  await new Promise((r) => server.close(r));
  return `postgresql://fedctl:unused@127.0.0.1:${port}/nothing`;
}

test("import with the --onlne typo exits 2 naming it and --online, and imports nothing", async () => {
  await seed([{ destination: "keep.example" }]);
  const auditBefore = (await db().query("SELECT count(*)::int AS n FROM audit_events")).rows[0].n;
  const r = await fedctl(["destinations", "import", "-", "--onlne"], testEnv(), lines.join("\n") + "\n");
  expect(r.code).toBe(2);
  expect(r.stderr).toContain("fedctl destinations import: unknown option --onlne (valid: --online, --help)");
  expect(r.stderr).toContain("usage: fedctl destinations import FILE|- [--online]");
  expect(r.stdout).toBe("");
  const names = (await db().query("SELECT destination FROM destinations")).rows.map((x) => x.destination);
  expect(names).toEqual(["keep.example"]);
  expect((await db().query("SELECT count(*)::int AS n FROM audit_events")).rows[0].n).toBe(auditBefore);

  // The same with a file name and no database to reach: the argument error comes first.
  const env = { ...testEnv(), DATABASE_URL: await closedPortDatabaseUrl() };
  const offline = await fedctl(["destinations", "import", "dump.jsonl", "--onlne"], env);
  expect(offline.code).toBe(2);
  expect(offline.stderr).toMatch(/^fedctl destinations import: unknown option --onlne \(valid: --online, --help\)\n/);
});

// Every command's parsing is checked in-process by lib/cli/parse-command.test.ts; here one command
// of each group runs as real processes, through the same argv → parse → exit path.
const ONE_PER_GROUP = COMMANDS.filter(
  (c, i) => COMMANDS.findIndex((d) => d.name.split(" ")[0] === c.name.split(" ")[0]) === i,
);

test("a fedctl command of each group: an unknown option exits 2 before any database is opened; --help exits 0", async () => {
  test.setTimeout(120_000);
  const env = { ...testEnv(), DATABASE_URL: await closedPortDatabaseUrl() };
  // Three commands at a time: each is two real fedctl processes.
  const queue = [...ONE_PER_GROUP];
  const worker = async () => {
    for (let c = queue.shift(); c; c = queue.shift()) {
      const words = c.name.split(" ");
      const positionals = Object.keys(c.positionals).map((k) => `${k}-value`);
      const [bogus, help] = await Promise.all([
        fedctl([...words, ...positionals, "--bogus"], env),
        fedctl([...words, "--help"], env),
      ]);
      expect.soft(bogus.code, c.name).toBe(2);
      expect
        .soft(bogus.stderr, c.name)
        .toMatch(new RegExp(`^fedctl ${c.name}: unknown option --bogus \\(valid: [^)]*--help\\)\n`));
      expect.soft(bogus.stdout, c.name).toBe("");
      expect.soft(help.code, c.name).toBe(0);
      expect.soft(help.stdout.startsWith(`usage: fedctl ${usageLine(c)}\n`), `${c.name}: ${help.stdout}`).toBe(true);
      expect.soft(help.stderr, c.name).toBe("");
    }
  };
  await Promise.all([worker(), worker(), worker()]);
});
