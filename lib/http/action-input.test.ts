import { test } from "node:test";
import assert from "node:assert/strict";
import { z } from "zod";
import { isAppError } from "../errors";
import { formSchema, formText, parseInput } from "./action-input";

const schema = formSchema({ name: formText, note: formText });

test("form fields: missing is empty text, the first of a repeated field counts", () => {
  const f = new FormData();
  f.append("name", "first");
  f.append("name", "second");
  assert.deepEqual(parseInput(schema, f), { name: "first", note: "" });
  assert.deepEqual(parseInput(schema, { name: "plain object" }), { name: "plain object", note: "" });
});

test("a refusal is an AppError (invalid_param) with the schema's message", () => {
  const f = new FormData();
  f.append("name", new File(["x"], "x.txt"));
  assert.throws(
    () => parseInput(schema, f),
    (e) => isAppError(e) && e.code === "invalid_param",
  );
  assert.throws(
    () => parseInput(z.string().min(3, "At least three."), "ab"),
    (e) => isAppError(e) && e.message === "At least three.",
  );
});
