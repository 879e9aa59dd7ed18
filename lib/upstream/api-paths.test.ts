import { test } from "node:test";
import assert from "node:assert/strict";
import { compareKeys, destinationPath } from "./api-paths";

test("paths escape names; keys compare in byte order", () => {
  assert.equal(destinationPath("a.example:8448"), "/_synapse/admin/v1/federation/destinations/a.example%3A8448");
  assert.equal(
    destinationPath("[::1]:8448", "/rooms"),
    "/_synapse/admin/v1/federation/destinations/%5B%3A%3A1%5D%3A8448/rooms",
  );
  assert.equal(destinationPath("../../x?y#z"), "/_synapse/admin/v1/federation/destinations/..%2F..%2Fx%3Fy%23z");
  assert.equal(destinationPath(".."), "/_synapse/admin/v1/federation/destinations/%2E%2E");
  assert.ok(compareKeys("a.example", "b.example") < 0);
  assert.ok(compareKeys("B.example", "a.example") < 0, "upper case sorts first in byte order");
  assert.equal(compareKeys("x", "x"), 0);
  // U+FF5E is below U+1F600 in UTF-8 bytes, though not in UTF-16 code units.
  assert.ok(compareKeys("\uff5e", "\u{1f600}") < 0);
});
