// fedctl destinations import/export against the running server's database: what is imported
// is what the API serves (exact 64-bit integers), bad lines are reported by number and
// change nothing, and export round-trips.
import { test, expect, seed, call, FED, testEnv, db } from "./support/fixtures";
import { fedctl } from "./support/server";

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
