// `next build` when there is no build, or when a source file is newer than the last build.
import fs from "node:fs";
import path from "node:path";
import { spawnSync } from "node:child_process";
import type { Settings } from "../lib/settings/settings";

const SOURCES = [
  "app",
  "lib",
  "proxy.ts",
  "next.config.js",
  "postcss.config.mjs",
  "package-lock.json",
  "tsconfig.json",
];

function newestMtime(p: string): number {
  let st: fs.Stats;
  try {
    st = fs.statSync(p);
  } catch {
    return 0;
  }
  if (!st.isDirectory()) return st.mtimeMs;
  let newest = 0;
  for (const e of fs.readdirSync(p)) {
    if (e === "node_modules" || e.endsWith(".test.ts")) continue;
    newest = Math.max(newest, newestMtime(path.join(p, e)));
  }
  return newest;
}

/** FEDCONSOLE_BUILD: auto (default: build when missing or stale), never, always; into NEXT_DIST_DIR. */
export function buildIfNeeded(root: string, build: Settings["build"], log: (m: string) => void): void {
  const { mode } = build;
  if (mode === "never") return;
  const buildId = path.join(root, build.distDir, "BUILD_ID");
  const built = fs.existsSync(buildId) ? fs.statSync(buildId).mtimeMs : 0;
  const newest = Math.max(...SOURCES.map((s) => newestMtime(path.join(root, s))));
  if (mode === "auto" && built && built >= newest) return;
  log(built ? "Sources changed since the last build; rebuilding…" : "No build yet; building (about 20 s)…");
  const r = spawnSync(process.execPath, [path.join(root, "node_modules", "next", "dist", "bin", "next"), "build"], {
    cwd: root,
    stdio: "inherit",
  });
  if (r.status !== 0) throw new Error("next build failed");
}
