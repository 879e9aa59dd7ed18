import { test } from "node:test";
import assert from "node:assert/strict";
import { parseInput } from "../http/action-input";
import { bulkResetInput, resetInput } from "./reset-input";

test("one reset: the destination as sent (resetConnection checks the name)", () => {
  const f = new FormData();
  f.append("destination", "a.example:8448");
  assert.deepEqual(parseInput(resetInput, f), { destination: "a.example:8448" });
  assert.deepEqual(parseInput(resetInput, new FormData()), { destination: "" });
});

test("bulk reset: the list's filter cleaned as the list cleans its URL; not an object is refused", () => {
  assert.deepEqual(parseInput(bulkResetInput, { search: "m\0x", status: "failing" }), {
    search: "mx",
    status: "failing",
  });
  assert.deepEqual(parseInput(bulkResetInput, { search: null, status: "sideways" }), { search: "", status: null });
  assert.throws(() => parseInput(bulkResetInput, "everything"), { code: "invalid_param" });
});
