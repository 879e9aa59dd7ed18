import { test } from "node:test";
import assert from "node:assert/strict";
import { DEFAULT_LIST_QUERY, consoleListSearch, parseConsoleListQuery } from "./console-list-query";

test("defaults, and every field read from the URL", () => {
  assert.deepEqual(parseConsoleListQuery(new URLSearchParams("")), DEFAULT_LIST_QUERY);
  assert.deepEqual(
    parseConsoleListQuery(new URLSearchParams("q=matrix&status=failing&sort=next_retry&dir=desc&page=3&size=100")),
    {
      search: "matrix",
      status: "failing",
      sort: "next_retry",
      dir: "desc",
      page: 3,
      size: 100,
    },
  );
  assert.equal(parseConsoleListQuery({ q: ["a", "b"] }).search, "a");
});

test("bad values fall back to defaults instead of failing", () => {
  const q = parseConsoleListQuery(new URLSearchParams("status=broken&sort=drop table&dir=up&page=-1&size=7"));
  assert.deepEqual(q, DEFAULT_LIST_QUERY);
  assert.equal(parseConsoleListQuery(new URLSearchParams("page=0")).page, 1);
  assert.equal(parseConsoleListQuery(new URLSearchParams("q=a%00b")).search, "ab");
});

test("round trip; defaults are left out; changing a filter goes back to page 1", () => {
  const q = parseConsoleListQuery(new URLSearchParams("q=x&sort=rooms&dir=desc&page=4"));
  assert.equal(consoleListSearch(q), "?q=x&sort=rooms&dir=desc&page=4");
  assert.equal(consoleListSearch(q, { status: "blocked" }), "?q=x&status=blocked&sort=rooms&dir=desc");
  assert.equal(consoleListSearch(q, { page: 5 }), "?q=x&sort=rooms&dir=desc&page=5");
  assert.equal(consoleListSearch(DEFAULT_LIST_QUERY), "");
  assert.deepEqual(parseConsoleListQuery(new URLSearchParams(consoleListSearch(q).slice(1))), q);
});
