import { test } from "node:test";
import assert from "node:assert/strict";
import { auditSearch, parseAuditQuery } from "./audit-query";

const p = (s: string) => parseAuditQuery(new URLSearchParams(s));
const none = { user: "", destination: "", before: undefined };

test("defaults, and every field read", () => {
  assert.deepEqual(p(""), none);
  assert.deepEqual(p("user=%20ann%40x.test%20&destination=a.example&before=42"), {
    user: "ann@x.test",
    destination: "a.example",
    before: 42n,
  });
  assert.deepEqual(parseAuditQuery({ user: ["a@x.test", "b@x.test"], destination: [] }), { ...none, user: "a@x.test" });
});

test("a malformed cursor is left out; one beyond 64 bits is clamped (it pages past every id)", () => {
  for (const bad of ["-1", "1.5", " 7", "x", "", "12345678901234567890"])
    assert.equal(p(`before=${encodeURIComponent(bad)}`).before, undefined, bad);
  assert.equal(p("before=9223372036854775807").before, 9223372036854775807n);
  assert.equal(p("before=9999999999999999999").before, 9223372036854775807n);
  assert.equal(p("user=%20%20").user, "");
});

test("links: empty fields left out, a changed field keeps its place, an added one comes last", () => {
  const q = { user: "ann@x.test", destination: "a.example", before: 9n };
  assert.equal(auditSearch(q), "?user=ann%40x.test&destination=a.example&before=9");
  assert.equal(auditSearch(none), "");
  assert.equal(auditSearch({ ...q, before: undefined }), "?user=ann%40x.test&destination=a.example");
  assert.equal(auditSearch({ ...q, before: undefined }, { user: "fedctl" }), "?user=fedctl&destination=a.example");
  assert.equal(
    auditSearch({ ...none, destination: "a.example" }, { user: "fedctl" }),
    "?destination=a.example&user=fedctl",
  );
  assert.equal(auditSearch({ ...q, before: 3n }), "?user=ann%40x.test&destination=a.example&before=3");
});
