import { test } from "node:test";
import assert from "node:assert/strict";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { canPass, firstBlocked } from "./postgres-user";

const pgUser = { uid: 101, gid: 104 };

test("passage is decided by the owner, group or other search bit that applies", () => {
  assert.equal(canPass({ uid: 0, gid: 0, mode: 0o755 }, pgUser), true);
  assert.equal(canPass({ uid: 0, gid: 0, mode: 0o750 }, pgUser), false);
  assert.equal(canPass({ uid: 0, gid: 0, mode: 0o701 }, pgUser), true);
  assert.equal(canPass({ uid: 0, gid: 104, mode: 0o710 }, pgUser), true);
  assert.equal(canPass({ uid: 0, gid: 104, mode: 0o701 }, pgUser), false); // the group bit applies, not other
  assert.equal(canPass({ uid: 101, gid: 0, mode: 0o700 }, pgUser), true);
});

test("the first closed folder on the way is named; folders not made yet are not", () => {
  const top = fs.mkdtempSync(path.join(os.tmpdir(), "fc-pass-"));
  try {
    fs.mkdirSync(path.join(top, "a", "b"), { recursive: true });
    fs.chmodSync(top, 0o755);
    fs.chmodSync(path.join(top, "a"), 0o700);
    const st = fs.statSync(top);
    const other = { uid: st.uid + 12_345, gid: st.gid + 12_345 };
    assert.equal(firstBlocked(path.join(top, "a", "b", "data"), other), path.join(top, "a"));
    fs.chmodSync(path.join(top, "a"), 0o711);
    assert.equal(firstBlocked(path.join(top, "a", "b", "not-yet", "data"), other), undefined);
  } finally {
    fs.rmSync(top, { recursive: true, force: true });
  }
});
