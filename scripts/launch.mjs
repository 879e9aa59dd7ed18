// Runs one of the project's programs as plain JavaScript: `node scripts/launch.mjs <program> [args]`
// (what `npm start`, `npm run fedctl` and `npm run scheduler` do). Each program is bundled by
// esbuild into dist/<program>.mjs the first time and again whenever one of its source files (or
// package-lock.json) is newer than the bundle, then imported in this process. A bundle loads in
// a third of tsx's time (no loader hooks resolving and transforming ~300 modules on every
// start: fedctl 1.0 → 0.3 s, the server ready 1.8 → 1.0 s) and runs without the
// function-naming wrappers tsx adds to every closure.
//
// Packages stay external (imported from node_modules as they are). import.meta.url and
// import.meta.dirname are replaced by each source file's own, so code that finds files beside
// itself (the project root, a schema file, Prisma's engine) finds them from the bundle too.
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

/** Files whose change makes every bundle stale besides the sources a bundle was made from. */
const ALWAYS = ["package-lock.json", "tsconfig.json", "scripts/launch.mjs"];

const bundleFile = (name) => path.join(ROOT, "dist", `${name}.mjs`);
const inputsFile = (name) => path.join(ROOT, "dist", `${name}.inputs.json`);

function mtime(file) {
  try {
    return fs.statSync(file).mtimeMs;
  } catch {
    return Number.POSITIVE_INFINITY; // missing: stale
  }
}

/** Whether dist/<name>.mjs exists and no file it was made from changed after it. */
function isFresh(name) {
  const built = mtime(bundleFile(name));
  if (!Number.isFinite(built)) return false;
  let inputs;
  try {
    inputs = JSON.parse(fs.readFileSync(inputsFile(name), "utf8"));
  } catch {
    return false;
  }
  return [...inputs, ...ALWAYS].every((f) => mtime(path.join(ROOT, f)) <= built);
}

/** esbuild plugin: import.meta.url / import.meta.dirname as the source file's, not the bundle's. */
const sourceLocation = {
  name: "source-location",
  setup(build) {
    build.onLoad({ filter: /\.tsx?$/ }, async (args) => {
      const text = await fs.promises.readFile(args.path, "utf8");
      if (!text.includes("import.meta")) return undefined;
      return {
        loader: args.path.endsWith(".tsx") ? "tsx" : "ts",
        contents: text
          .replaceAll("import.meta.dirname", JSON.stringify(path.dirname(args.path)))
          .replaceAll("import.meta.filename", JSON.stringify(args.path))
          .replaceAll("import.meta.url", JSON.stringify(pathToFileURL(args.path).href)),
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

/** Bundles one program into dist/ (written beside and renamed into place: readers never see half a file). */
export async function bundle(name) {
  const entry = PROGRAMS[name];
  if (!entry) throw new Error(`unknown program "${name}" (one of: ${Object.keys(PROGRAMS).join(", ")})`);
  const { build } = await import("esbuild");
  fs.mkdirSync(path.join(ROOT, "dist"), { recursive: true });
  const tmp = `${bundleFile(name)}.${process.pid}.tmp`;
  const result = await build({ ...BUNDLE_OPTIONS, entryPoints: [entry], outfile: tmp, metafile: true });
  const inputs = Object.keys(result.metafile.inputs).filter((f) => !f.startsWith("node_modules/"));
  fs.writeFileSync(`${inputsFile(name)}.${process.pid}.tmp`, JSON.stringify(inputs));
  fs.renameSync(`${inputsFile(name)}.${process.pid}.tmp`, inputsFile(name));
  fs.renameSync(tmp, bundleFile(name));
}

/** The path of dist/<name>.mjs, bundled first when missing or stale. */
export async function bundled(name) {
  if (!isFresh(name)) await bundle(name);
  return bundleFile(name);
}

async function main() {
  const [name, ...rest] = process.argv.slice(2);
  if (name === "--all") {
    for (const n of Object.keys(PROGRAMS)) if (!n.startsWith("bench-")) await bundled(n);
    return;
  }
  if (!name || !(name in PROGRAMS)) {
    process.stderr.write(`usage: node scripts/launch.mjs <${Object.keys(PROGRAMS).join("|")}> [args…] | --all\n`);
    process.exit(2);
  }
  const file = await bundled(name);
  // The program reads its arguments from process.argv.slice(2), as when it is run directly.
  process.argv = [process.argv[0], file, ...rest];
  // Stack traces name the TypeScript sources (the bundle carries their map).
  process.setSourceMapsEnabled(true);
  await import(pathToFileURL(file).href);
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? "").href) await main();
