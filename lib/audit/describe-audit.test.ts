// The audit page's labels and summaries, for every action the code writes and for rows it
// does not know (older or newer versions, partial details).
import { test } from "node:test";
import assert from "node:assert/strict";
import { AUDIT_LABELS, REDACTED_SUMMARY, auditLabel, describeAudit } from "./describe-audit";

test("every written action has a label; an unknown one shows as stored", () => {
  assert.equal(auditLabel("destinations.import"), "Imported destinations");
  assert.equal(auditLabel("destination.reset"), "Reset connection");
  assert.equal(auditLabel("room.purge"), "room.purge");
  assert.equal(auditLabel("toString"), "toString", "not an inherited property");
  assert.equal(auditLabel("upstream.sync"), "Asked for a sync");
  assert.equal(auditLabel("destination.flush_discovery"), "Flushed cached discovery");
  assert.equal(auditLabel("webhook.test"), "Sent test webhook");
  assert.equal(auditLabel("destination.attempt"), "Attempted now");
  assert.equal(Object.keys(AUDIT_LABELS).length, 22);
});

test("manual attempt summaries say what was found and what happened to the retry timings", () => {
  const d = (detail: unknown) => describeAudit({ action: "destination.attempt", detail });
  const base = { reason: null, http_status: 200, duration_ms: 12, was_backing_off: false };
  assert.equal(d({ ...base, outcome: "success" }), "succeeded in 12 ms");
  assert.equal(d({ ...base, outcome: "success", was_backing_off: true }), "succeeded in 12 ms; backoff cleared");
  assert.equal(
    d({ ...base, outcome: "failure", reason: "CONNECT_REFUSED", http_status: null, was_backing_off: true }),
    "failed (CONNECT_REFUSED) in 12 ms; retry timings unchanged",
  );
  assert.equal(
    d({ ...base, outcome: "neutral", reason: "HTTP_404", http_status: 404 }),
    "answered (HTTP_404), HTTP 404 in 12 ms; retry timings unchanged",
  );
  assert.equal(
    d({ ...base, outcome: "success", was_backing_off: true, mirror: true }),
    "succeeded in 12 ms; findings only (mirror mode)",
  );
});

test("webhook summaries name the URL's origin, never more of it", () => {
  const d = (action: string, detail: unknown) => describeAudit({ action, detail });
  assert.equal(
    d("webhook.create", { id: "1", origin: "https://hooks.slack.com", events: ["down", "recovered"], enabled: true }),
    "https://hooks.slack.com for down, recovered",
  );
  assert.equal(
    d("webhook.change", { id: "1", origin: "https://h.example", changed: ["secret", "disabled"] }),
    "https://h.example: secret, disabled",
  );
  assert.equal(
    d("webhook.test", { id: "1", origin: "https://h.example", status_code: 500, ok: false }),
    "https://h.example: failed (500)",
  );
  assert.equal(d("webhook.delete", { id: "1", origin: "https://h.example" }), "https://h.example");
});
test("summaries of adding and forgetting destinations and of account changes", () => {
  const d = (action: string, detail: unknown) => describeAudit({ action, detail });
  assert.equal(
    d("destination.add", { added: ["a.example", "b.example"], existing: 1, invalid: 2 }),
    "2 new destinations: a.example, b.example; 1 already known; 2 invalid",
  );
  assert.equal(
    d("destination.forget", {
      snapshot: { rooms_count: 1, attempts: 12, failure_ts: "1800000000000" },
      forced: true,
    }),
    "with 1 room and 12 attempts, failing since 2027-01-15T08:00:00.000Z; forced (not dead yet)",
  );
  assert.equal(d("destination.forget", null), "");
  assert.equal(
    d("destination.bulk_forget", { count: 3, search: "x", status: null }),
    "3 dead destinations matching search “x”",
  );
  assert.equal(d("user.set_password", { email: "a@x", by: "admin" }), "a@x, by an admin; their sessions ended");
  assert.equal(
    d("user.first_admin", { email: "a@x", allowedBy: "setup_code" }),
    "a@x, on the first-run page (with the start-up code)",
  );
});

test("an export says how many rows, in which format, for which filter", () => {
  assert.equal(auditLabel("destinations.export"), "Exported destinations");
  assert.equal(
    describeAudit({
      action: "destinations.export",
      detail: { format: "csv", search: "x", status: "failing", rows: 22 },
    }),
    "22 destinations as CSV matching search “x”, status failing",
  );
  assert.equal(
    describeAudit({ action: "destinations.export", detail: { format: "jsonl", search: null, status: null, rows: 1 } }),
    "1 destination as JSON Lines",
  );
});

test("summaries, as the audit page showed them", () => {
  const d = (action: string, detail: unknown) => describeAudit({ action, detail });
  assert.equal(
    d("destination.reset", { retry_last_ts: "5", retry_interval: "600000", failure_ts: null }),
    "was backing off (retry_last_ts 5, retry_interval 600000)",
  );
  assert.equal(d("destination.reset", null), "");
  assert.equal(
    d("destination.reset", { retry_last_ts: "5", retry_interval: "1", failure_ts: null, relayed: true }),
    "relayed to the homeserver, which accepted it; was backing off (retry_last_ts 5, retry_interval 1)",
  );
  assert.equal(
    d("destination.bulk_reset", {
      count: 2,
      search: null,
      status: null,
      relayed: { requested: 3, failed: 1, errors: [] },
    }),
    "2 destinations, relayed to the homeserver (3 asked, 1 refused)",
  );
  assert.equal(d("upstream.sync", { source: "hs.example.org" }), "full pass from hs.example.org");
  assert.equal(
    d("destination.bulk_reset", { count: 2, search: "x", status: "failing" }),
    "2 destinations matching search “x”, status failing",
  );
  assert.equal(d("destination.bulk_reset", { count: 1, search: null, status: null }), "1 destination");
  assert.equal(d("user.add", { email: "a@x.test", role: "viewer" }), "a@x.test as viewer");
  assert.equal(d("user.set_role", { email: "a@x.test", from: "viewer", to: "admin" }), "a@x.test: viewer → admin");
  assert.equal(d("user.remove", { email: "a@x.test" }), "a@x.test");
  assert.equal(d("user.remove", null), "");
  assert.equal(
    d("token.create", { owner: "a@x.test", name: "ci", prefix: "fct_abcd" }),
    "“ci” (fct_abcd…) of a@x.test",
  );
  assert.equal(
    d("token.revoke", { owner: "a@x.test", name: "ci", prefix: "fct_abcd" }),
    "“ci” (fct_abcd…) of a@x.test",
  );
});

test("an import: counts, the file (standard input for -), bad lines when there were any", () => {
  const d = (detail: unknown) => describeAudit({ action: "destinations.import", detail });
  assert.equal(
    d({ file: "-", lines: 6, imported: 3, rooms: 2, errors: 2 }),
    "3 destinations and 2 rooms from standard input (2 bad lines)",
  );
  assert.equal(
    d({ file: "dump.jsonl", lines: 1, imported: 1, rooms: 1, errors: 0 }),
    "1 destination and 1 room from dump.jsonl",
  );
});

test("an unknown action's detail is shown as JSON", () => {
  assert.equal(describeAudit({ action: "room.purge", detail: { room: "!a:x" } }), '{"room":"!a:x"}');
  assert.equal(describeAudit({ action: "room.purge", detail: null }), "");
});

test("a redacted row (someone else's team or token event, for a non-admin) says only that admins see it", () => {
  assert.equal(describeAudit({ action: "user.add", detail: null, redacted: true }), REDACTED_SUMMARY);
  assert.equal(REDACTED_SUMMARY, "Details are visible to admins.");
});
