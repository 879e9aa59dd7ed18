// Runs one of the project's programs as plain JavaScript: `node scripts/launch.mjs <program> [args]`
// (what `npm start`, `npm run fedctl` and `npm run scheduler` do). Each program is bundled by
// esbuild into dist/<program>.mjs the first time and again whenever one of its source files,
// package-lock.json, tsconfig.json or this file is newer than the bundle, then imported in this
// process. A bundle loads in
// a third of tsx's time (no loader hooks resolving and transforming ~300 modules on every
// start: fedctl 1.0 → 0.3 s, the server ready 1.8 → 1.0 s) and runs without the
// function-naming wrappers tsx adds to every closure.
//
// Packages stay external (imported from node_modules as they are). import.meta.url and
// import.meta.dirname are replaced by each source file's own, so code that finds files beside
// itself (the project root, a schema file, Prisma's engine) finds them from the bundle too.
import crypto from "node:crypto";
import fs from "node:fs";
import path from "node:path";
import { pathToFileURL } from "node:url";

const ROOT = path.resolve(import.meta.dirname, "..");

/** The programs: name → entry file (relative to the project root). */
export const PROGRAMS = {
  start: "scripts/start.ts",
  scheduler: "scripts/scheduler.ts",
  fedctl: "lib/cli/fedctl.ts",
  // bench/run.ts's floor runs as the server does (`--all` leaves it out).
  "bench-floor": "bench/bare-server.ts",
};

/** Files of the project whose change makes every bundle stale besides the sources it was made from. */
const ALWAYS = ["package-lock.json", "tsconfig.json"];

const bundleFile = (root, name) => path.join(root, "dist", `${name}.mjs`);
const inputsFile = (root, name) => path.join(root, "dist", `${name}.inputs.json`);

function mtime(file) {
  try {
    return fs.statSync(file).mtimeMs;
  } catch {
    return Number.POSITIVE_INFINITY; // missing: stale
  }
}

/** Whether dist/<name>.mjs exists and no file it was made from (nor this one) changed after it. */
function isFresh(root, name) {
  const built = mtime(bundleFile(root, name));
  if (!Number.isFinite(built) || mtime(import.meta.filename) > built) return false;
  let inputs;
  try {
    inputs = JSON.parse(fs.readFileSync(inputsFile(root, name), "utf8"));
  } catch {
    return false;
  }
  return [...inputs, ...ALWAYS].every((f) => mtime(path.join(root, f)) <= built);
}

/**
 * esbuild plugin: import.meta.url / .dirname / .filename as the source file's, not the bundle's.
 * A textual rewrite: the words are replaced wherever they stand except right after a quote, so a
 * string that contains them mid-way would change too (no source of ours has one).
 */
const sourceLocation = {
  name: "source-location",
  setup(build) {
    build.onLoad({ filter: /\.(tsx?|mjs)$/ }, async (args) => {
      const text = await fs.promises.readFile(args.path, "utf8");
      if (!text.includes("import.meta.")) return undefined;
      const own = {
        dirname: JSON.stringify(path.dirname(args.path)),
        filename: JSON.stringify(args.path),
        url: JSON.stringify(pathToFileURL(args.path).href),
      };
      return {
        loader: args.path.endsWith(".tsx") ? "tsx" : args.path.endsWith(".mjs") ? "js" : "ts",
        // Not after a quote: the words inside a string (this plugin's own) stay as they are.
        contents: text.replace(/(?<!["'`])\bimport\.meta\.(dirname|filename|url)\b/g, (_, k) => own[k]),
      };
    });
  },
};

/** esbuild's options for the project's TypeScript run as plain JavaScript (also the unit tests'). */
export const BUNDLE_OPTIONS = {
  absWorkingDir: ROOT,
  bundle: true,
  platform: "node",
  format: "esm",
  target: "node20",
  packages: "external",
  sourcemap: "inline",
  sourcesContent: false,
  logLevel: "warning",
  plugins: [sourceLocation],
};

/**
 * Bundles `entry` (relative to `root`) into <root>/dist/<name>.mjs, written beside and renamed
 * into place: a process starting meanwhile reads the old bundle or the new one, never half a file.
 */
export async function bundle(name, entry, root = ROOT) {
  const { build } = await import("esbuild");
  fs.mkdirSync(path.join(root, "dist"), { recursive: true });
  const out = bundleFile(root, name);
  const unique = `${process.pid}.${crypto.randomUUID()}`; // processes of other hosts may share the folder
  const tmp = `${out}.${unique}.tmp`;
  // The bundle is dated when its sources were read: one saved while esbuild ran is newer, so stale.
  const started = new Date();
  const result = await build({
    ...BUNDLE_OPTIONS,
    absWorkingDir: root,
    entryPoints: [entry],
    outfile: tmp,
    metafile: true,
  });
  const inputs = Object.keys(result.metafile.inputs).filter((f) => !f.startsWith("node_modules/"));
  const list = `${inputsFile(root, name)}.${unique}.tmp`;
  fs.writeFileSync(list, JSON.stringify(inputs));
  fs.renameSync(list, inputsFile(root, name));
  fs.utimesSync(tmp, started, started);
  fs.renameSync(tmp, out);
}

/** The path of <root>/dist/<name>.mjs, bundled first from `entry` when missing or stale. */
export async function bundled(name, entry = Object.hasOwn(PROGRAMS, name) ? PROGRAMS[name] : undefined, root = ROOT) {
  if (typeof entry !== "string")
    throw new Error(`unknown program "${name}" (one of: ${Object.keys(PROGRAMS).join(", ")})`);
  if (!isFresh(root, name)) await bundle(name, entry, root);
  return bundleFile(root, name);
}

async function main() {
  const [name, ...rest] = process.argv.slice(2);
  if (name === "--all") {
    for (const n of Object.keys(PROGRAMS)) if (!n.startsWith("bench-")) await bundled(n);
    return;
  }
  if (!name || !Object.hasOwn(PROGRAMS, name)) {
    process.stderr.write(`usage: node scripts/launch.mjs <${Object.keys(PROGRAMS).join("|")}> [args…] | --all\n`);
    process.exit(2);
  }
  let file;
  try {
    file = await bundled(name);
  } catch (e) {
    // esbuild has printed what it could not compile, with file and line.
    process.stderr.write(
      `launch: bundling ${PROGRAMS[name]} failed: ${e instanceof Error ? e.message.split("\n")[0] : e}\n`,
    );
    process.exit(1);
  }
  // The program reads its arguments from process.argv.slice(2), as when it is run directly.
  process.argv = [process.argv[0], file, ...rest];
  // Stack traces name the TypeScript sources (the bundle carries their map).
  process.setSourceMapsEnabled(true);
  await import(pathToFileURL(file).href);
}

/** Whether this file is the one node was asked to run (through a symbolic link too). */
function isMain() {
  try {
    return fs.realpathSync(process.argv[1] ?? "") === fs.realpathSync(import.meta.filename);
  } catch {
    return false;
  }
}

if (isMain()) await main();
