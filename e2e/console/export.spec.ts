// Export in real Chromium: the Export link of a filtered list downloads every matching
// destination (not only the page), the same rows the export API and the Synapse list API give
// for that filter, as valid CSV with exact integers and the formula guard; audited.
import fs from "node:fs";
import { FED, call, db, expect, test } from "../support/fixtures";
import { parseCsvStrict } from "../support/csv";
import { HOUR, login, seedConsole } from "./helpers";

const NOW = Date.now();
const EXPORT = "/_fedconsole/v1/export/destinations";

test.beforeEach(async () => {
  const rows = [];
  for (let i = 0; i < 130; i++) {
    const failing = i % 2 === 0;
    rows.push({
      destination: `${i % 3 === 0 ? "alpha" : "beta"}${String(i).padStart(3, "0")}.example`,
      retry_last_ts: failing ? NOW - 1000 : 0,
      retry_interval: failing ? 600_000 : 0,
      failure_ts: failing ? NOW - HOUR : null,
      last_successful_stream_ordering: i === 0 ? 9223372036854775807n : i,
      last_attempt_ts: NOW - 1000,
      last_outcome: failing ? ("failure" as const) : ("success" as const),
      last_error_kind: failing ? "HTTP_5XX" : null,
      last_error_message: failing ? (i === 6 ? '=HYPERLINK("http://evil")' : 'answered 502, "bad gateway"') : null,
    });
  }
  await seedConsole(rows);
});

test("the filtered view's download has exactly the rows the API lists for that filter, as valid CSV", async ({
  page,
  request,
}) => {
  await login(page, "viewer");
  await page.goto("/destinations?q=ALPHA&status=failing&size=25");
  await expect(page.getByTestId("list-summary")).toContainText("of 22");
  const download = page.waitForEvent("download");
  await page.getByTestId("export").getByRole("link", { name: "CSV" }).click();
  const file = await (await download).path();
  const csv = parseCsvStrict(fs.readFileSync(file, "utf8").replace(/\n$/, ""));
  expect(csv[0]).toEqual([
    "destination",
    "retry_last_ts",
    "retry_interval",
    "failure_ts",
    "last_successful_stream_ordering",
    "status",
    "last_error_kind",
    "last_error",
    "rooms_count",
  ]);
  const records = csv.slice(1);
  expect(records.length).toBe(22); // every page, not the 25-row page alone... nor more

  // The export API for the same filter: the same rows, field for field.
  const api = await call(request, "GET", `${EXPORT}?format=jsonl&destination=ALPHA&status=failing`, "viewer");
  expect(api.status).toBe(200);
  expect(api.headers["content-type"]).toContain("application/jsonl");
  const lines = api.text.trimEnd().split("\n");
  expect(lines.length).toBe(22);
  for (const [i, line] of lines.entries()) {
    const j = JSON.parse(line);
    expect(records[i][0]).toBe(j.destination);
    expect(records[i][5]).toBe(j.status);
    expect(records[i][6]).toBe(j.last_error_kind);
  }
  // Exact 64-bit integers; the formula guard.
  expect(records.find((r) => r[0] === "alpha000.example")?.[4]).toBe("9223372036854775807");
  expect(api.text).toContain('"last_successful_stream_ordering":9223372036854775807');
  expect(records.find((r) => r[0] === "alpha006.example")?.[7]).toBe('\'=HYPERLINK("http://evil")');

  // The Synapse list API with the same search, reduced to the failing ones: the same names.
  const listed = (await call(request, "GET", `${FED}?destination=ALPHA&limit=1000`, "viewer")).json();
  const failing = listed.destinations.filter((d: { retry_last_ts: number }) => d.retry_last_ts > 0);
  expect(records.map((r) => r[0])).toEqual(failing.map((d: { destination: string }) => d.destination));

  const audit = await db().query(
    "SELECT actor, via, detail FROM audit_events WHERE action = 'destinations.export' ORDER BY id",
  );
  expect(audit.rows).toEqual([
    {
      actor: "viewer@e2e.test",
      via: "console",
      detail: { format: "csv", search: "ALPHA", status: "failing", rows: 22 },
    },
    { actor: "viewer@e2e.test", via: "api", detail: { format: "jsonl", search: "ALPHA", status: "failing", rows: 22 } },
  ]);
});

test("export API: viewer token required, strict parameters", async ({ request }) => {
  expect((await call(request, "GET", `${EXPORT}?format=csv`, null)).status).toBe(401);
  const bad = await call(request, "GET", `${EXPORT}?format=xml`, "viewer");
  expect(bad.status).toBe(400);
  expect(bad.json().errcode).toBe("M_INVALID_PARAM");
  expect((await call(request, "GET", `${EXPORT}?status=sideways`, "viewer")).status).toBe(400);
  const all = await call(request, "GET", `${EXPORT}?format=csv`, "viewer");
  expect(all.status).toBe(200);
  expect(parseCsvStrict(all.text.replace(/\n$/, "")).length).toBe(131);
});
