import { test } from "node:test";
import assert from "node:assert/strict";
import { type CollationInfo, isByteOrder } from "./database-ordering";

const info = (over: Partial<CollationInfo>): CollationInfo => ({
  collname: "default",
  collProvider: null,
  collLocale: null,
  dbProvider: "c",
  dbCollate: "C",
  dbLocale: null,
  ...over,
});

test("byte order: C and POSIX databases or columns, builtin C; not C.UTF-8, en_US or ICU", () => {
  assert.equal(isByteOrder(info({})), true);
  assert.equal(
    isByteOrder(info({ dbProvider: null, dbCollate: "POSIX" })),
    true,
    "PostgreSQL 13/14: no provider column",
  );
  assert.equal(isByteOrder(info({ dbProvider: "b", dbCollate: null, dbLocale: "C" })), true);
  assert.equal(isByteOrder(info({ collname: "C", dbCollate: "en_US.UTF-8" })), true);
  assert.equal(isByteOrder(info({ dbCollate: "C.UTF-8" })), false);
  assert.equal(isByteOrder(info({ dbCollate: "en_US.UTF-8" })), false);
  assert.equal(isByteOrder(info({ dbProvider: "i", dbCollate: "C" })), false);
  assert.equal(isByteOrder(info({ dbProvider: "b", dbLocale: "C.UTF-8" })), false);
  assert.equal(isByteOrder(info({ collname: "und-x-icu", collProvider: "i" })), false);
});
