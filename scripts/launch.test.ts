// scripts/launch.mjs on a project of its own in a temporary folder: bundled once and run by plain
// node, bundled again when a source, the lock file or tsconfig.json changed, and a source that
// does not compile leaves the last good bundle in place.
import { test } from "node:test";
import assert from "node:assert/strict";
import { execFileSync } from "node:child_process";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { bundled } from "./launch.mjs";

function project(): string {
  const root = fs.mkdtempSync(path.join(os.tmpdir(), "fc-launch-"));
  const put = (f: string, text: string) => {
    fs.mkdirSync(path.dirname(path.join(root, f)), { recursive: true });
    fs.writeFileSync(path.join(root, f), text);
  };
  put("package-lock.json", "{}\n");
  put("tsconfig.json", "{}\n");
  put("lib/word.ts", 'export const word: string = "one";\n');
  // Spelled in two parts: this test is bundled too, and the plugin rewrites the words where they
  // stand (only right after a quote are they left alone).
  const dirname = "import.meta" + ".dirname";
  put(
    "scripts/hello.ts",
    `import { word } from "../lib/word";\nconsole.log(JSON.stringify({ word, dir: ${dirname}, args: process.argv.slice(2) }));\n`,
  );
  return root;
}

const run = (file: string, ...args: string[]) =>
  JSON.parse(execFileSync(process.execPath, [file, ...args], { encoding: "utf8" }));

/** Rewrites (or only touches) a file with a modification time after the bundle's. */
function change(root: string, file: string, after: string, text?: string): void {
  const p = path.join(root, file);
  if (text !== undefined) fs.writeFileSync(p, text);
  const t = new Date(fs.statSync(after).mtimeMs + 2_000);
  fs.utimesSync(p, t, t);
}

test("a program is bundled once, runs under plain node and finds files beside its source", async () => {
  const root = project();
  try {
    const file = await bundled("hello", "scripts/hello.ts", root);
    assert.equal(file, path.join(root, "dist", "hello.mjs"));
    assert.deepEqual(run(file, "a", "b"), { word: "one", dir: path.join(root, "scripts"), args: ["a", "b"] });
    const built = fs.statSync(file).mtimeMs;
    assert.equal(await bundled("hello", "scripts/hello.ts", root), file);
    assert.equal(fs.statSync(file).mtimeMs, built, "nothing changed: not bundled again");
  } finally {
    fs.rmSync(root, { recursive: true, force: true });
  }
});

test("a changed source, lock file or tsconfig.json bundles again; a broken source keeps the last good bundle", async () => {
  const root = project();
  try {
    const file = await bundled("hello", "scripts/hello.ts", root);
    change(root, "lib/word.ts", file, 'export const word: string = "two";\n');
    await bundled("hello", "scripts/hello.ts", root);
    assert.equal(run(file).word, "two");
    for (const f of ["package-lock.json", "tsconfig.json"]) {
      const before = fs.statSync(file).mtimeMs;
      change(root, f, file);
      await bundled("hello", "scripts/hello.ts", root);
      assert.ok(fs.statSync(file).mtimeMs > before, `${f} changed: bundled again`);
    }
    change(root, "lib/word.ts", file, "export const word: string = ;\n");
    await assert.rejects(bundled("hello", "scripts/hello.ts", root));
    assert.equal(run(file).word, "two", "the last good bundle still runs");
    assert.deepEqual(fs.readdirSync(path.join(root, "dist")).sort(), ["hello.inputs.json", "hello.mjs"]);
    await assert.rejects(bundled("nosuch"), /unknown program "nosuch"/);
  } finally {
    fs.rmSync(root, { recursive: true, force: true });
  }
});
