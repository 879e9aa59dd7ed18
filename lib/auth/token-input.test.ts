import { test } from "node:test";
import assert from "node:assert/strict";
import { parseInput } from "../http/action-input";
import { createTokenInput, revokeTokenInput } from "./token-input";

test("token forms: the name and the id as sent, missing is empty", () => {
  const f = new FormData();
  f.append("name", "  ci  ");
  assert.deepEqual(parseInput(createTokenInput, f), { name: "  ci  " }); // createToken trims
  assert.deepEqual(parseInput(createTokenInput, new FormData()), { name: "" }); // a generated name
  const r = new FormData();
  r.append("id", "fct_abcd1234");
  assert.deepEqual(parseInput(revokeTokenInput, r), { id: "fct_abcd1234" });
});
