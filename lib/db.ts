// The process's database handles: one pg.Pool shared by Prisma (through its pg driver
// adapter) and by the few hand-written SQL statements on hot paths. Opening it starts the
// embedded PostgreSQL when DATABASE_URL is unset and applies pending migrations, once per
// process. Kept on globalThis so every bundle of the Next server shares one pool.
import pg from "pg";
import { PrismaPg } from "@prisma/adapter-pg";
import { PrismaClient } from "./generated/prisma/client";
import { settings } from "./settings/settings";
import { ensureEmbeddedPostgres, type EmbeddedHandle } from "./db/embedded";
import { applyMigrations } from "./db/migrate";

export type Db = { pool: pg.Pool; prisma: PrismaClient; url: string; embedded?: EmbeddedHandle };

type Holder = { db?: Promise<Db> };
const g = globalThis as { __fedconsoleDb?: Holder };
g.__fedconsoleDb ??= {};
const holder: Holder = g.__fedconsoleDb;

export type OpenOptions = { log?: (msg: string) => void; migrate?: boolean };

async function open(opts: OpenOptions): Promise<Db> {
  const cfg = settings().database;
  let url = cfg.url;
  let embedded: EmbeddedHandle | undefined;
  if (!url) {
    embedded = await ensureEmbeddedPostgres(cfg.dataDir, opts.log);
    url = embedded.url;
  }
  // A database that does not answer at all (host down, network cut) must fail requests with
  // 503 after a bounded wait, not hang them: a connect timeout for new connections, TCP
  // keepalive to notice dead idle ones.
  const pool = new pg.Pool({
    connectionString: url,
    max: cfg.poolSize,
    idleTimeoutMillis: 30_000,
    connectionTimeoutMillis: cfg.connectTimeoutMs,
    keepAlive: true,
  });
  // An idle client losing its connection must not crash the process; the pool replaces it.
  pool.on("error", (e) => opts.log?.(`database connection error: ${e.message}`));
  // A checked-out client whose connection drops between two queries emits 'error' with no
  // pool listener attached; unhandled, that would kill the process. The query in progress
  // (or the next one) fails on its own, so noting it is enough.
  pool.on("connect", (client) => client.on("error", () => {}));
  if (opts.migrate !== false) {
    const r = await applyMigrations(pool);
    if (r.applied.length) opts.log?.(`Applied migrations: ${r.applied.join(", ")}`);
    if (r.vacuumed.length) opts.log?.(`Vacuumed the tables they rewrote: ${r.vacuumed.join(", ")}`);
  }
  const prisma = new PrismaClient({ adapter: new PrismaPg(pool) });
  return { pool, prisma, url, embedded };
}

/** The shared handles, opened on first use. */
export function getDb(opts: OpenOptions = {}): Promise<Db> {
  if (!holder.db) {
    holder.db = open({ log: (m) => console.log(m), ...opts });
    holder.db.catch(() => {
      holder.db = undefined;
    }); // retry on the next call
  }
  return holder.db;
}

export async function closeDb(): Promise<void> {
  const p = holder.db;
  holder.db = undefined;
  if (!p) return;
  const db = await p.catch(() => undefined);
  if (!db) return;
  await db.prisma.$disconnect().catch(() => {});
  await db.pool.end().catch(() => {});
  await db.embedded?.stop(); // stops supervising; stops the postmaster if this process runs it
}
