// Runs every lib/**/*.test.ts and scripts/**/*.test.ts with node's test runner (Node 20's --test takes no globs), two
// files at a time (UNIT_CONCURRENCY, default 2): each file has a database of its own. On two
// cores two at a time took the run from 294 to 197 s; four were no faster (the CPU is full).
//
// The files are bundled first by esbuild (~1.5 s for all, into .unit-build/run-*/, as
// scripts/launch.mjs bundles the programs) and run as plain JavaScript: under tsx each file's
// process spent ~0.5 s resolving and transforming its modules through the loader hooks.
// Arguments narrow the run to the files whose path contains one of them
// (`npm run test:unit -- upstream/ settings`); one file under tsx is
// `node --import tsx --test lib/…/x.test.ts`.
import fs from "node:fs";
import path from "node:path";
import { spawnSync } from "node:child_process";
import { build } from "esbuild";
import { BUNDLE_OPTIONS } from "./launch.mjs";

const OUT = ".unit-build";
const wanted = process.argv.slice(2);
const files = [];
function walk(dir) {
  for (const e of fs.readdirSync(dir, { withFileTypes: true })) {
    const p = path.join(dir, e.name);
    if (e.isDirectory()) {
      if (e.name !== "generated") walk(p);
    } else if (e.name.endsWith(".test.ts") && (wanted.length === 0 || wanted.some((w) => p.includes(w)))) files.push(p);
  }
}
walk("lib");
walk("scripts");
files.sort();
if (files.length === 0) {
  console.error(`no unit test file matches ${wanted.join(", ")}`);
  process.exit(1);
}

// A folder per run, so that a run started beside another (a few files while the suite runs)
// never deletes the other's bundles.
fs.mkdirSync(OUT, { recursive: true });
const out = fs.mkdtempSync(path.join(OUT, "run-"));
let status = 1;
try {
  await build({ ...BUNDLE_OPTIONS, entryPoints: files, outdir: out, outbase: ".", outExtension: { ".js": ".mjs" } });
  const bundles = files.map((f) => path.join(out, f.replace(/\.ts$/, ".mjs")));
  const r = spawnSync(
    process.execPath,
    ["--enable-source-maps", "--test", `--test-concurrency=${process.env.UNIT_CONCURRENCY ?? 2}`, ...bundles],
    { stdio: "inherit" },
  );
  status = r.status ?? 1;
} finally {
  fs.rmSync(out, { recursive: true, force: true });
}
process.exit(status);
