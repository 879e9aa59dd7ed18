// The SQL that would take a database built by prisma/migrations to what prisma/schema.prisma
// declares: Prisma's `migrate diff --from-migrations … --to-schema …`, run offline through the
// schema engine's WebAssembly build (@prisma/schema-engine-wasm; the native engine cannot be
// downloaded here). Empty when the two agree; lib/db/schema-diff.test.ts keeps it so, and
// `npm run db:diff` prints it to start a new migration from.
//
// The engine replays the migrations into a shadow database it asks its driver adapter for. Two
// things of @prisma/adapter-pg 7.10 do not fit: its executeScript splits a script on every ";"
// (which cuts the dollar-quoted bodies of our trigger functions), and its shadow database is
// dropped before its pool is closed (refused: "being accessed by other users"). So the shadow
// database here is made, used and dropped by this module.
import crypto from "node:crypto";
import fs from "node:fs";
import { createRequire } from "node:module";
import path from "node:path";
import pg from "pg";
import { PrismaPg } from "@prisma/adapter-pg";
import {
  bindMigrationAwareSqlAdapterFactory,
  ColumnTypeEnum,
  type SqlQuery,
  type SqlResultSet,
} from "@prisma/driver-adapter-utils";
import * as engineBindings from "@prisma/schema-engine-wasm/schema_engine_bg";

let lastPanic = "";

/** Instantiates the engine's wasm once: its package is built for bundlers (it imports a .wasm file). */
let loaded: Promise<typeof engineBindings.SchemaEngine> | undefined;
function schemaEngine(): Promise<typeof engineBindings.SchemaEngine> {
  loaded ??= (async () => {
    const js = createRequire(import.meta.url).resolve("@prisma/schema-engine-wasm/schema_engine_bg");
    const mod = await WebAssembly.compile(fs.readFileSync(js.replace(/\.js$/, ".wasm")));
    const imports: Record<string, Record<string, unknown>> = {};
    const bindings = engineBindings as unknown as Record<string, unknown>;
    for (const i of WebAssembly.Module.imports(mod)) {
      imports[i.module] ??= {};
      imports[i.module][i.name] = bindings[i.name];
    }
    // Where the engine's Rust panics leave their message (read back in schemaDiff's error).
    (globalThis as { PRISMA_WASM_PANIC_REGISTRY?: unknown }).PRISMA_WASM_PANIC_REGISTRY ??= {
      set_message(m: string) {
        lastPanic = m;
      },
    };
    const instance = await WebAssembly.instantiate(mod, imports as WebAssembly.Imports);
    engineBindings.__wbg_set_wasm(instance.exports);
    (instance.exports as { __wbindgen_start: () => void }).__wbindgen_start();
    return engineBindings.SchemaEngine;
  })();
  return loaded;
}

const CHAR_OID = 18;
const TEXT_OID = 25;

type ShadowAdapter = {
  queryRaw(q: SqlQuery): Promise<SqlResultSet>;
  executeScript(script: string): Promise<void>;
  dispose(): Promise<void>;
};

/** A PostgreSQL adapter factory whose shadow databases run whole scripts and are dropped cleanly. */
class ShadowingPg extends PrismaPg {
  /** Shadow databases made and not yet dropped (a panicking engine never disposes of its own). */
  readonly made = new Set<string>();

  constructor(private readonly serverUrl: string) {
    super({ connectionString: serverUrl });
  }

  async dropShadow(name: string): Promise<void> {
    const c = new pg.Client({ connectionString: this.serverUrl });
    await c.connect();
    try {
      await c.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
      this.made.delete(name);
    } finally {
      await c.end();
    }
  }

  override async connectToShadowDb() {
    // The process id in the name: a leftover can be traced to its process, and a check for
    // leftovers (the unit test) need not count other processes' shadows made meanwhile.
    const name = `fc_shadow_${process.pid}_${crypto.randomBytes(6).toString("hex")}`;
    const admin = new pg.Client({ connectionString: this.serverUrl });
    await admin.connect();
    try {
      await admin.query(`CREATE DATABASE ${name} TEMPLATE template0 ENCODING 'UTF8'`);
      this.made.add(name);
    } finally {
      await admin.end();
    }
    const url = new URL(this.serverUrl);
    url.pathname = `/${name}`;
    const pool = new pg.Pool({ connectionString: url.toString(), max: 1 });
    // The engine reads the catalog's "char" columns (pg_constraint.contype and the like) and wants
    // them as characters; the adapter has no mapping for that type and refuses the whole result.
    // So the pool hands them over as text and queryRaw marks those columns as characters. One
    // connection, so one query at a time: the columns noted are those of the result at hand.
    let charColumns: number[] = [];
    const query = pool.query.bind(pool) as (...args: unknown[]) => Promise<pg.QueryResult>;
    (pool as unknown as { query: typeof query }).query = async (...args) => {
      const r = await query(...args);
      charColumns = [];
      (r.fields ?? []).forEach((f, i) => {
        if (f.dataTypeID !== CHAR_OID) return;
        f.dataTypeID = TEXT_OID;
        charColumns.push(i);
      });
      return r;
    };
    const adapter = (await new PrismaPg(pool).connect()) as unknown as ShadowAdapter;
    const queryRaw = adapter.queryRaw.bind(adapter);
    adapter.queryRaw = async (q) => {
      const rs = await queryRaw(q);
      for (const i of charColumns) rs.columnTypes[i] = ColumnTypeEnum.Character;
      return rs;
    };
    adapter.executeScript = async (script: string) => {
      await pool.query(script); // the simple protocol runs a whole multi-statement script
    };
    adapter.dispose = async () => {
      await pool.end();
      await this.dropShadow(name);
    };
    return adapter as unknown as Awaited<ReturnType<PrismaPg["connectToShadowDb"]>>;
  }
}

export type SchemaDiffInput = {
  /** A PostgreSQL server where a shadow database may be created and dropped (any database on it). */
  serverUrl: string;
  root: string;
};

/** The SQL from the migrations' schema to schema.prisma's; "" when they agree (the engine's comment-only script). */
export async function schemaDiff({ serverUrl, root }: SchemaDiffInput): Promise<string> {
  const SchemaEngine = await schemaEngine();
  const schemaFile = path.join(root, "prisma", "schema.prisma");
  const schema = fs.readFileSync(schemaFile, "utf8");
  const baseDir = path.join(root, "prisma", "migrations");
  const migrationDirectories = fs
    .readdirSync(baseDir)
    .filter((d) => fs.existsSync(path.join(baseDir, d, "migration.sql")))
    .sort()
    .map((d) => ({
      path: d,
      migrationFile: {
        path: "migration.sql",
        content: { tag: "ok" as const, value: fs.readFileSync(path.join(baseDir, d, "migration.sql"), "utf8") },
      },
    }));
  const shadows = new ShadowingPg(serverUrl);
  const factory = bindMigrationAwareSqlAdapterFactory(shadows);
  const engine = await SchemaEngine.new({ datamodels: [["schema.prisma", schema]] }, () => {}, factory);
  lastPanic = "";
  try {
    const r = await engine.diff({
      from: {
        tag: "migrations",
        baseDir,
        // The history has no migration_lock.toml (lib/db/migrate.ts applies it); the engine
        // only needs it to know the connector.
        lockfile: { path: "migration_lock.toml", content: 'provider = "postgresql"\n' },
        shadowDbInitScript: "",
        migrationDirectories,
      },
      to: { tag: "schemaDatamodel", files: [{ path: "schema.prisma", content: schema }] },
      script: true,
      exitCode: null,
      filters: { externalTables: [], externalEnums: [] },
    });
    const statements = (r.stdout ?? "").split("\n").filter((line) => line.trim() !== "" && !line.startsWith("--"));
    return statements.length ? (r.stdout ?? "").trim() : "";
  } catch (e) {
    throw lastPanic ? new Error(`the schema engine panicked: ${lastPanic}`) : e;
  } finally {
    engine.free();
    for (const name of shadows.made) await shadows.dropShadow(name).catch(() => {});
  }
}
