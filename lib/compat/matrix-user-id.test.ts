import { test } from "node:test";
import assert from "node:assert/strict";
import {
  emailToLocalpart,
  localpartToEmail,
  matrixUserIdToEmail,
  splitMatrixUserId,
  toMatrixUserId,
} from "./matrix-user-id";

test("'@' and other characters outside the kept set become =xx", () => {
  assert.equal(emailToLocalpart("alice@example.org"), "alice=40example.org");
  assert.equal(emailToLocalpart("a.b_c-d@x.y"), "a.b_c-d=40x.y");
  assert.equal(emailToLocalpart("a+tag@x.y"), "a=2btag=40x.y");
  assert.equal(emailToLocalpart("a/b=c@x.y"), "a=2fb=3dc=40x.y");
  assert.equal(emailToLocalpart("jörg@x.y"), "j=c3=b6rg=40x.y"); // UTF-8 bytes
  assert.equal(toMatrixUserId("alice@example.org", "e2e.test"), "@alice=40example.org:e2e.test");
});

test("localparts use only the characters admin UIs accept in a Matrix ID", () => {
  for (const email of ["alice@example.org", "o'brien+x/y@münchen.example", "a:b@c", '"q u"@x.y']) {
    assert.match(emailToLocalpart(email), /^[a-z0-9._=-]+$/, email);
  }
});

test("round trip for assorted addresses", () => {
  for (const email of ["alice@example.org", "o'brien+x/y@münchen.example", "=@=", "a:b@[::1]", "🙂@x.y", "UPPER@X.Y"]) {
    assert.equal(localpartToEmail(emailToLocalpart(email)), email, email);
    assert.equal(matrixUserIdToEmail(toMatrixUserId(email, "hs.example:8448"), "hs.example:8448"), email, email);
  }
});

test("only canonical localparts decode", () => {
  assert.equal(localpartToEmail("alice=40example.org"), "alice@example.org");
  assert.equal(localpartToEmail("=61lice=40example.org"), null); // "a" must not be escaped
  assert.equal(localpartToEmail("alice=4"), null);
  assert.equal(localpartToEmail("alice=4G"), null);
  assert.equal(localpartToEmail("Alice=40example.org"), null); // uppercase is never produced
  assert.equal(localpartToEmail("alice=40EXAMPLE.org"), null);
  assert.equal(localpartToEmail("alice=3D"), null); // hex is lowercase
  assert.equal(localpartToEmail("a=ff"), null); // not UTF-8
  assert.equal(localpartToEmail(""), null);
  assert.equal(localpartToEmail("a/b"), null);
});

test("user ids of another server, or malformed ones, map to no address", () => {
  assert.equal(matrixUserIdToEmail("@alice=40example.org:e2e.test", "e2e.test"), "alice@example.org");
  assert.equal(matrixUserIdToEmail("@alice=40example.org:E2E.test", "e2e.test"), "alice@example.org");
  assert.equal(matrixUserIdToEmail("@alice=40example.org:other.test", "e2e.test"), null);
  assert.equal(matrixUserIdToEmail("alice=40example.org:e2e.test", "e2e.test"), null);
  assert.equal(matrixUserIdToEmail("@:e2e.test", "e2e.test"), null);
  assert.equal(matrixUserIdToEmail("@alice", "e2e.test"), null);
  assert.deepEqual(splitMatrixUserId("@a:[2001:db8::1]:8448"), { localpart: "a", server: "[2001:db8::1]:8448" });
  assert.equal(splitMatrixUserId("@a:"), null);
});
