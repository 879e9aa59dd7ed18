import { test } from "node:test";
import assert from "node:assert/strict";
import { parseInput } from "../http/action-input";
import { parseRole } from "./principal";
import { addUserInput, removeUserInput, setRoleInput } from "./team-input";

const form = (fields: Record<string, string>) => {
  const f = new FormData();
  for (const [k, v] of Object.entries(fields)) f.append(k, v);
  return f;
};

test("add user: fields as typed (users.ts normalises the email); an empty password means generate one", () => {
  assert.deepEqual(parseInput(addUserInput, form({ email: " A@x.test", role: "operator", password: "pw" })), {
    email: " A@x.test",
    role: "operator",
    password: "pw",
  });
  assert.deepEqual(parseInput(addUserInput, form({ email: "a@x.test", role: "viewer", password: "" })), {
    email: "a@x.test",
    role: "viewer",
    password: undefined,
  });
  assert.deepEqual(parseInput(removeUserInput, new FormData()), { email: "" });
});

test("an unknown or missing role is refused with the list of roles, as parseRole refuses it", () => {
  const message = (raw: string) => `Unknown role "${raw}"; use one of viewer, operator, admin.`;
  assert.throws(() => parseInput(addUserInput, form({ email: "a@x.test", role: "root" })), {
    message: message("root"),
  });
  assert.throws(() => parseInput(setRoleInput, form({ email: "a@x.test" })), { message: message("") });
  assert.throws(() => parseRole("Admin"), { code: "invalid_param", message: message("Admin") });
  assert.equal(parseRole("admin"), "admin");
  assert.deepEqual(parseInput(setRoleInput, form({ email: "a@x.test", role: "admin" })), {
    email: "a@x.test",
    role: "admin",
  });
});
