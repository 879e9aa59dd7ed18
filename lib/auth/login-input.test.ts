import { test } from "node:test";
import assert from "node:assert/strict";
import { parseInput } from "../http/action-input";
import { credentialsGiven, loginInputSchema } from "./login-input";
import { parseLoginQuery, safeNextPath } from "./login-query";

const form = (fields: Record<string, string>) => {
  const f = new FormData();
  for (const [k, v] of Object.entries(fields)) f.append(k, v);
  return f;
};

test("sign-in form: fields as typed; both are needed", () => {
  const i = parseInput(loginInputSchema, form({ email: " a@x.test ", password: "pw", next: "/audit?user=x" }));
  assert.deepEqual(i, { email: " a@x.test ", password: "pw", next: "/audit?user=x" });
  assert.equal(credentialsGiven(i), true);
  assert.equal(credentialsGiven(parseInput(loginInputSchema, form({ email: "  ", password: "pw" }))), false);
  assert.equal(credentialsGiven(parseInput(loginInputSchema, form({ email: "a@x.test" }))), false);
});

test("the return path: same-site only, else the destinations list", () => {
  for (const bad of ["//evil.example", "/\\evil.example", "https://evil.example", "destinations", ""])
    assert.equal(safeNextPath(bad), "/overview", bad);
  assert.equal(safeNextPath("/tokens"), "/tokens");
  // what browsers turn into another host: tab, newline, CR, backslash, other control characters
  for (const bad of [
    "/\t/evil.example",
    "/\n/evil.example",
    "/\r/evil.example",
    "/\\evil.example",
    "/\\/evil.example",
    "/x\\..\\..\\/evil.example",
    "/\u0000/evil.example",
    "/\u001f/evil.example",
    "/\u007f/evil.example",
    "/..//evil.example",
    "/./%2e%2e//evil.example",
    "///evil.example",
  ])
    assert.equal(safeNextPath(bad), "/overview", JSON.stringify(bad));
  assert.equal(safeNextPath("/audit?user=a%40x.test#top"), "/audit?user=a%40x.test#top");
  assert.equal(safeNextPath("/destinations/%2F%2Fevil.example"), "/destinations/%2F%2Fevil.example"); // a name, not a host
  assert.equal(safeNextPath("/a/../tokens"), "/tokens");
  assert.equal(parseInput(loginInputSchema, form({ email: "a", password: "b", next: "//x" })).next, "/overview");
  assert.equal(
    parseInput(loginInputSchema, form({ email: "a", password: "b", next: "/\t/evil.example" })).next,
    "/overview",
  );
  assert.equal(parseInput(loginInputSchema, form({ email: "a", password: "b" })).next, "/overview");
});

test("sign-in page: next and signed_out", () => {
  assert.deepEqual(parseLoginQuery(new URLSearchParams("")), { next: "/overview", signedOut: false });
  assert.deepEqual(parseLoginQuery(new URLSearchParams("next=%2Ftokens&signed_out=1")), {
    next: "/tokens",
    signedOut: true,
  });
  assert.equal(parseLoginQuery(new URLSearchParams("signed_out=")).signedOut, false);
  assert.equal(parseLoginQuery(new URLSearchParams("next=%2F%5Cevil.example")).next, "/overview");
  assert.equal(parseLoginQuery(new URLSearchParams("next=/%5Cevil.example")).next, "/overview");
  assert.equal(parseLoginQuery(new URLSearchParams("next=/%09/evil.example")).next, "/overview");
  assert.equal(parseLoginQuery({ next: "/\t/evil.example" }).next, "/overview");
  assert.equal(parseLoginQuery({ next: ["/a", "/b"] }).next, "/overview"); // a single value only, as before
});
