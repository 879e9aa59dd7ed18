// The embedded PostgreSQL's set-up and supervision, with real PostgreSQL processes: its
// password never sits in a file others can read, folders that are not the project's are never
// opened (as root), binaries out of the postgres user's reach are linked into the data folder,
// and a postmaster killed with SIGKILL is started again with every committed row kept.
import { test, after } from "node:test";
import assert from "node:assert/strict";
import { execFileSync } from "node:child_process";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import pg from "pg";
import { ensureEmbeddedPostgres, type EmbeddedHandle } from "./embedded";
import { installedBinaries } from "./embedded/binaries";
import { readPidFile } from "./embedded/postmaster";

const root = process.getuid?.() === 0;
const cleanup: (() => Promise<void> | void)[] = [];
after(async () => {
  for (const c of cleanup.reverse()) await c();
});

function tempDir(prefix: string, mode = 0o755): string {
  const d = fs.mkdtempSync(path.join(os.tmpdir(), prefix));
  fs.chmodSync(d, mode);
  cleanup.push(() => fs.rmSync(d, { recursive: true, force: true }));
  return d;
}

async function started(dataDir: string, opts?: Parameters<typeof ensureEmbeddedPostgres>[2]): Promise<EmbeddedHandle> {
  const h = await ensureEmbeddedPostgres(dataDir, () => {}, opts);
  cleanup.push(() => h.stop());
  return h;
}

const mode = (p: string) => fs.statSync(p).mode & 0o7777;

test("the password is never in a file that others can read, not even while initdb runs", async () => {
  const dataDir = tempDir("fc-emb-pw-");
  const seen = new Map<string, { mode: number; content: string }>();
  const look = (dir: string) => {
    for (const name of fs.readdirSync(dir)) {
      const p = path.join(dir, name);
      try {
        const st = fs.statSync(p);
        if (st.isFile() && st.size < 1_000 && !seen.has(p))
          seen.set(p, { mode: st.mode & 0o777, content: fs.readFileSync(p, "utf8") });
      } catch {
        /* gone meanwhile */
      }
    }
  };
  const watcher = setInterval(() => {
    look(os.tmpdir());
    look(dataDir);
  }, 5);
  let h: EmbeddedHandle;
  try {
    h = await started(dataDir);
  } finally {
    clearInterval(watcher);
  }
  const { password } = JSON.parse(fs.readFileSync(path.join(dataDir, "pg-credentials.json"), "utf8"));
  assert.equal(mode(path.join(dataDir, "pg-credentials.json")), 0o600);
  const exposed = [...seen].filter(([, f]) => f.content.includes(password) && (f.mode & 0o077) !== 0);
  assert.deepEqual(
    exposed.map(([p, f]) => `${p} ${f.mode.toString(8)}`),
    [],
  );
  assert.ok(
    [...seen.keys()].some((p) => p.startsWith(dataDir)),
    "the watcher saw the data folder's files",
  );
  assert.equal(mode(path.join(dataDir, "pg")), 0o700);
  const c = new pg.Client({ connectionString: h.url });
  await c.connect();
  assert.equal((await c.query("SELECT 1 AS x")).rows[0].x, 1);
  await c.end();
});

test("as root: a folder above the data folder that the postgres user cannot pass is not opened; start-up says so", {
  skip: !root && "needs root",
}, async () => {
  const closed = tempDir("fc-emb-closed-", 0o700); // like /root, or the folder of `mktemp -d`
  const dataDir = path.join(closed, "data");
  await assert.rejects(ensureEmbeddedPostgres(dataDir), (e: Error) => {
    assert.match(e.message, new RegExp(`${closed.replaceAll("/", "\\/")} is closed to it`));
    assert.match(e.message, /FEDCONSOLE_DATA_DIR/);
    return true;
  });
  assert.equal(mode(closed), 0o700, "the closed folder's permissions are unchanged");
});

test("as root: binaries in a folder closed to the postgres user are linked into the data folder, which alone is opened", {
  skip: !root && "needs root",
}, async () => {
  const installed = installedBinaries();
  const closed = tempDir("fc-emb-checkout-", 0o700); // a checkout in `mktemp -d`
  const copy = path.join(closed, "native");
  execFileSync("cp", ["-al", installed.root, copy]); // hard links: no copy of 60 MB
  const dataDir = tempDir("fc-emb-data-", 0o700); // mkdtemp's own mode: the data folder itself
  const h = await started(dataDir, { binaries: { ...installed, root: copy, bin: (n) => path.join(copy, "bin", n) } });
  assert.equal(mode(closed), 0o700, "the checkout's folder is not opened");
  assert.equal(mode(dataDir), 0o701, "the data folder is opened for passage only");
  const pid = readPidFile(path.join(dataDir, "pg"))!.pid;
  assert.equal(
    fs.readlinkSync(`/proc/${pid}/exe`),
    path.join(dataDir, `postgres-${installed.version}`, "bin", "postgres"),
  );
  const c = new pg.Client({ connectionString: h.url });
  await c.connect();
  await c.end();
});

test("a postmaster killed with SIGKILL is started again on the same folder and port, committed rows kept", async () => {
  const dataDir = tempDir("fc-emb-kill-");
  const h = await started(dataDir);
  const pool = new pg.Pool({ connectionString: h.url, max: 2, connectionTimeoutMillis: 1_000 });
  pool.on("error", () => {});
  pool.on("connect", (c) => c.on("error", () => {}));
  cleanup.push(() => pool.end());
  await pool.query("CREATE TABLE kept (n int)");
  await pool.query("INSERT INTO kept SELECT generate_series(1, 1000)");
  const before = readPidFile(path.join(dataDir, "pg"))!.pid;
  process.kill(before, "SIGKILL");
  const killedAt = Date.now();
  const dead = () => {
    try {
      return /^State:\s+Z/m.test(fs.readFileSync(`/proc/${before}/status`, "utf8")); // killed, not yet reaped
    } catch {
      return true; // gone
    }
  };
  while (!dead()) await new Promise((r) => setTimeout(r, 10));
  // An idle backend of the dead postmaster may still answer for a moment: "again" means the
  // supervisor has started a new postmaster (a new pid in the pid file) and it answers.
  const restarted = () => {
    const p = readPidFile(path.join(dataDir, "pg"));
    return p !== undefined && p.pid !== before;
  };
  while (!restarted() && Date.now() - killedAt < 30_000) await new Promise((r) => setTimeout(r, 20));
  let n: number | undefined;
  while (n === undefined && Date.now() - killedAt < 30_000) {
    try {
      // A new connection: the restarted postmaster itself answers (not a lingering backend).
      const c = new pg.Client({ connectionString: h.url, connectionTimeoutMillis: 1_000 });
      c.on("error", () => {});
      try {
        await c.connect();
        n = (await c.query("SELECT count(*)::int AS n FROM kept")).rows[0].n;
      } finally {
        await c.end().catch(() => {});
      }
    } catch {
      await new Promise((r) => setTimeout(r, 100));
    }
  }
  const took = Date.now() - killedAt;
  console.log(`answering again ${took} ms after SIGKILL`);
  assert.equal(n, 1000);
  assert.ok(took < 30_000);
  assert.notEqual(readPidFile(path.join(dataDir, "pg"))!.pid, before);
  // The new postmaster accepts connections a moment before the supervisor, polling its pid
  // file for "ready" every 50 ms, has taken it as its own: ownership follows within that.
  while (!h.owned && Date.now() - killedAt < 30_000) await new Promise((r) => setTimeout(r, 20));
  assert.equal(h.owned, true);
  // Stopped on purpose: stays stopped.
  await h.stop();
  await new Promise((r) => setTimeout(r, 2_500));
  assert.equal(fs.existsSync(path.join(dataDir, "pg", "postmaster.pid")), false);
});
