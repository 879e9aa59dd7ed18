// Flush cached discovery: operators only, audited, and the NOTIFY every scheduler listens for
// carries the destination (the scheduler then forgets its cached well-known answer).
import { after, before, test } from "node:test";
import assert from "node:assert/strict";
import pg from "pg";
import type { Principal } from "../auth/principal";
import { FLUSH_DISCOVERY_CHANNEL } from "../federation/wake";
import { createTestDatabase, type TestDatabase } from "../testing/test-database";
import { flushDiscovery } from "./flush-discovery";

let db: TestDatabase;
let listener: pg.Client;
const heard: string[] = [];
const operator: Principal = { userId: null, email: "op@example.org", role: "operator", via: "console" };
const viewer: Principal = { ...operator, email: "v@example.org", role: "viewer" };

before(async () => {
  db = await createTestDatabase();
  listener = new pg.Client({ connectionString: db.url });
  await listener.connect();
  listener.on("notification", (n) => {
    if (n.channel === FLUSH_DISCOVERY_CHANNEL) heard.push(n.payload ?? "");
  });
  await listener.query(`LISTEN ${FLUSH_DISCOVERY_CHANNEL}`);
  await db.pool.query("INSERT INTO destinations (destination) VALUES ('matrix.example.org')");
});
after(async () => {
  await listener?.end();
  await db?.close();
});

test("an operator's flush is audited and announced to the schedulers; viewers and unknown names are refused", async () => {
  await flushDiscovery(db.pool, operator, "matrix.example.org");
  const audit = await db.pool.query("SELECT action, destination FROM audit_events");
  assert.deepEqual(audit.rows, [{ action: "destination.flush_discovery", destination: "matrix.example.org" }]);
  for (let i = 0; i < 50 && heard.length === 0; i++) await new Promise((r) => setTimeout(r, 20));
  assert.deepEqual(heard, ["matrix.example.org"]);
  await assert.rejects(flushDiscovery(db.pool, viewer, "matrix.example.org"), { code: "forbidden" });
  await assert.rejects(flushDiscovery(db.pool, operator, "nowhere.example.org"), { code: "not_found" });
  assert.equal((await db.pool.query("SELECT count(*)::int AS n FROM audit_events")).rows[0].n, 1);
});
