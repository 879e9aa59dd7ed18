import { test } from "node:test";
import assert from "node:assert/strict";
import { Readable } from "node:stream";
import { splitLines } from "./split-lines";

test("splitLines: long lines are reported, not buffered", async () => {
  const input = Readable.from([
    Buffer.from("ab\n"),
    Buffer.from("x".repeat(50)),
    Buffer.from("y".repeat(50) + "\ncd"),
    Buffer.from("\n" + "z".repeat(200) + "\nef"),
  ]);
  const got: (string | null)[] = [];
  for await (const l of splitLines(input, 64)) got.push(l);
  assert.deepEqual(got, ["ab", null, "cd", null, "ef"]);
});
