import { test } from "node:test";
import assert from "node:assert/strict";
import { parseScriptArgs, scriptHelp } from "./script-args";

const spec = {
  name: "npm run bench",
  usage: "[-- options]",
  description: "A bench.",
  positionals: ["N"],
  options: {
    n: { type: "string", value: "N", default: "1000", description: "destinations" },
    out: { type: "string", value: "FILE", description: "markdown file" },
    "no-write": { type: "boolean", description: "print only" },
  },
} as const;

test("defaults apply, given values win, and both spellings of a value work", () => {
  assert.deepEqual(parseScriptArgs(spec, []), { kind: "ok", values: { n: "1000" }, positionals: [] });
  assert.deepEqual(parseScriptArgs(spec, ["--n", "5", "--out=x.md", "--no-write", "7"]), {
    kind: "ok",
    values: { n: "5", out: "x.md", "no-write": true },
    positionals: ["7"],
  });
});

test("an unknown option, a missing value or an extra argument is an error naming it; --help lists every option", () => {
  const bogus = parseScriptArgs(spec, ["--no-wirte"]);
  assert.equal(bogus.kind, "error");
  assert.ok(
    bogus.kind === "error" &&
      bogus.text.startsWith("npm run bench: unknown option --no-wirte (valid: --n, --out, --no-write, --help)\n"),
  );
  const noValue = parseScriptArgs(spec, ["--out"]);
  assert.ok(noValue.kind === "error" && noValue.text.startsWith("npm run bench: --out needs a value\n"));
  const extra = parseScriptArgs(spec, ["1", "2"]);
  assert.ok(extra.kind === "error" && extra.text.startsWith('npm run bench: unexpected argument "2"\n'));

  const help = parseScriptArgs(spec, ["--n", "3", "--help"]);
  assert.deepEqual(help, { kind: "help", text: scriptHelp(spec) });
  assert.ok(help.kind === "help" && help.text.startsWith("usage: npm run bench [-- options]\n"));
  for (const line of ["--n N", "[default 1000]", "--out FILE", "--no-write", "-h, --help"])
    assert.ok(help.kind === "help" && help.text.includes(line), line);
});
