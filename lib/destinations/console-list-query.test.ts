import { test } from "node:test";
import assert from "node:assert/strict";
import { DEFAULT_LIST_QUERY, consoleListSearch, listFilterSchema, parseConsoleListQuery } from "./console-list-query";

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

test("edge values keep the hand-written parser's answers", () => {
  const p = (s: string) => parseConsoleListQuery(new URLSearchParams(s));
  assert.equal(p("page=999999999").page, 999999999);
  assert.equal(p("page=1000000000").page, 1); // more than nine digits: ignored, never a 500
  assert.equal(p("page=2.5").page, 1);
  assert.equal(p("page=%202").page, 1);
  assert.equal(p("page=").page, 1);
  assert.equal(p("size=1e2").size, 100); // Number(): 1e2 is 100
  assert.equal(p("size=%20200").size, 200);
  assert.equal(p("size=").size, 50);
  assert.equal(p("q=").search, "");
  assert.equal(p(`q=${"x".repeat(400)}`).search.length, 300);
  assert.equal(p("status=FAILING").status, null);
  assert.equal(p("sort=status&sort=rooms").sort, "status"); // the first of a repeated parameter
  assert.deepEqual(parseConsoleListQuery({ status: [], page: ["2", "3"], size: undefined }), {
    ...DEFAULT_LIST_QUERY,
    page: 2,
  });
});

test("the bulk reset's filter: the list's search and status, anything else ignored", () => {
  assert.deepEqual(listFilterSchema.parse({ search: "a\0b", status: "blocked" }), { search: "ab", status: "blocked" });
  assert.deepEqual(listFilterSchema.parse({ search: 7, status: "nope" }), { search: "", status: null });
  assert.deepEqual(listFilterSchema.parse({}), { search: "", status: null });
  assert.equal(listFilterSchema.parse({ search: "y".repeat(301) }).search.length, 300);
  assert.equal(listFilterSchema.safeParse(null).success, false);
});
