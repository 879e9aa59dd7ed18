import { test } from "node:test";
import assert from "node:assert/strict";
import { hasMalformedPath, malformedUrlAnswer } from "./malformed-url";

test("paths that do not decode are malformed; the query is not looked at", () => {
  for (const p of [
    "/destinations/%",
    "/destinations/%ZZ",
    "/destinations/%E0%A4%A",
    "/destinations/%C0%AF",
    "/%ED%A0%80",
  ]) {
    assert.equal(hasMalformedPath(p), true, p);
  }
  for (const p of [
    "/destinations",
    "/destinations/a%20b",
    "/destinations/%C3%A9",
    "/audit?user=%ZZ",
    "/",
    "/login?next=%",
  ]) {
    assert.equal(hasMalformedPath(p), false, p);
  }
});

test("the answer is a static 400 page that cannot be framed", async () => {
  const r = await malformedUrlAnswer();
  assert.equal(r.status, 400);
  assert.match(r.headers["Content-Type"] ?? "", /^text\/html/);
  assert.equal(r.headers["X-Frame-Options"], "DENY");
  assert.match(String(r.body), /This address is not valid/);
});
