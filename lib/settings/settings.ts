// The one typed settings module. Every environment variable of the product is parsed here,
// once per process (settings()), from the declarations in spec.ts; nothing else in lib/ or
// app/ reads process.env (a unit test enforces it). A bad value stops start-up with an error
// naming every bad variable and the forms it accepts. Tests build their own Settings with
// loadSettings(env) and pass the parts they need, or install one with installSettings().
import path from "node:path";
import type { BackoffConfig } from "../federation/backoff";
import { DEFAULT_IP_RANGE_BLOCKLIST } from "../federation/ip-guard";
import { SETTINGS, type SettingName, type SettingValues } from "./spec";

export type Env = Record<string, string | undefined>;

export type ConsoleSettings = {
  /** How long a console session lasts after sign-in, in seconds. */
  sessionMaxAgeSec: number;
  /** Failed sign-ins for one account from one client address within the window (FEDCONSOLE_LOGIN_MAX_FAILURES). */
  maxFailuresPerAccountAddress: number;
  /** Failed sign-ins from one client address, any accounts, within the window. */
  maxFailuresPerAddress: number;
  /** Failed sign-ins for one account from all addresses within the window: the distributed-guessing ceiling. */
  maxFailuresPerAccount: number;
  /** The counting window, and how long a first pause lasts, in ms (later pauses double). */
  lockoutMs: number;
};

export type SchedulerSettings = {
  /** FEDERATION_SCHEDULER: run the scheduler in the web process. */
  enabled: boolean;
  /** Attempts in flight at once per scheduler process. */
  concurrency: number;
  /** Healthy destinations are re-checked this often; 0 = never. */
  healthIntervalMs: number;
  /** Attempts kept per destination. */
  attemptHistory: number;
  /** FEDERATION_MANUAL_ATTEMPT_RATE_LIMIT: manual attempts ("Attempt now") one user may start per minute. */
  manualAttemptsPerUserPerMinute: number;
  /** How often the scheduler looks for due destinations when nothing wakes it. */
  pollIntervalMs: number;
  /** How long a claim holds; undefined = twice the attempt timeout + 30 s. Must outlast an attempt. */
  claimLeaseMs?: number;
  backoff: BackoffConfig;
};

export type AttemptSettings = {
  /** Deadline of one attempt, every stage included. */
  timeoutMs: number;
  ipBlocklist: readonly string[];
  ipAllowlist: readonly string[];
  /** Extra trusted CA certificates (PEM), read at start-up. */
  ca?: string;
  /** Port of the /.well-known/matrix/server fetch (the spec says 443). */
  wellKnownPort: number;
  /** FEDERATION_DNS_SERVERS; undefined = the system's resolver. */
  dnsServers?: readonly string[];
};

/** Federation checks (lib/checks): deadline, history and the per-user rate. */
export type CheckSettings = {
  timeoutMs: number;
  history: number;
  perUserPerMinute: number;
};

/** Mirror mode (issue "Use it with your homeserver"): the homeserver this console mirrors. */
export type UpstreamSettings = {
  /** Base URL of its client/admin API; undefined with a database source only (resets refused). */
  url?: string;
  /** Server-admin access token there (from FEDCONSOLE_UPSTREAM_TOKEN or _TOKEN_FILE). */
  token?: string;
  /** Its PostgreSQL (read-only role): reads come from its tables when set. */
  databaseUrl?: string;
  syncIntervalMs: number;
  pollIntervalMs: number;
  pageSize: number;
  timeoutMs: number;
  roomsConcurrency: number;
  roomsPerPass: number;
  /** Ranges opened for upstream connections on top of the federation blocklist's exceptions. */
  ipAllowlist: readonly string[];
};

/** Alert webhooks (lib/webhooks/), all durations in ms. */
export type WebhookSettings = {
  downAfter: number;
  deadAfterMs: number;
  minGapMs: number;
  groupWindowMs: number;
  groupMin: number;
  certWarningMs: number;
  syncFailingAfterMs: number;
  pollIntervalMs: number;
  retryBaseMs: number;
  retryForMs: number;
  timeoutMs: number;
  /** Opened for webhook URLs on top of FEDERATION_IP_RANGE_ALLOWLIST. */
  ipAllowlist: readonly string[];
};

export type Settings = {
  port: number;
  hostname: string;
  /** The homeserver whose federation this console manages. */
  serverName: string;
  /** FEDCONSOLE_PUBLIC_URL without a trailing slash; undefined = each request's own origin. */
  publicUrl?: string;
  trustProxy: boolean;
  /** FEDCONSOLE_TOKEN_CACHE: the web process keeps API token checks in memory (lib/auth/token-cache.ts). */
  tokenCache: boolean;
  database: { url?: string; poolSize: number; connectTimeoutMs: number; dataDir: string };
  build: { mode: "auto" | "never" | "always"; distDir: string };
  firstAdmin?: { email: string; password: string };
  /**
   * Console sessions: the signing secret, and the console's public origin for next-auth —
   * AUTH_URL, else FEDCONSOLE_PUBLIC_URL's origin (an https origin makes the cookie Secure).
   */
  auth: { secret?: string; url?: string };
  console: ConsoleSettings;
  scheduler: SchedulerSettings;
  attempts: AttemptSettings;
  checks: CheckSettings;
  /** undefined = standalone: this database is the source of truth. */
  upstream?: UpstreamSettings;
  webhooks: WebhookSettings;
  /** FEDCONSOLE_DEAD_AFTER: a destination failing longer than this (ms) is dead. */
  deadAfterMs: number;
  /** The overview's history and GET /metrics. */
  ops: OpsSettings;
};

export type OpsSettings = {
  /** How often a history point (snapshot) is recorded, by one scheduler process. */
  snapshotIntervalMs: number;
  /** FEDCONSOLE_METRICS_TOKEN: a scrape-only bearer token, besides team members' tokens. */
  metricsToken?: string;
  /** `npm run scheduler`: the port of its own GET /metrics; undefined = none. */
  schedulerMetricsPort?: number;
};

/** Start-up refused: one line per bad variable. */
export class SettingsError extends Error {
  constructor(readonly problems: { name: string; message: string }[]) {
    super(`invalid settings:\n${problems.map((p) => `  ${p.message}`).join("\n")}`);
    this.name = "SettingsError";
  }
}

/** Each variable through its form; unset or blank means the default. */
function parseValues(env: Env): SettingValues {
  const values: Record<string, unknown> = {};
  const problems: { name: string; message: string }[] = [];
  for (const [name, spec] of Object.entries(SETTINGS) as [SettingName, (typeof SETTINGS)[SettingName]][]) {
    const given = env[name];
    const raw = given === undefined || given.trim() === "" ? ("default" in spec ? spec.default : undefined) : given;
    if (raw === undefined) continue;
    const r = spec.form.safeParse(raw);
    if (r.success) values[name] = r.data;
    else
      problems.push({
        name,
        message: describeIssue(name, r.error.issues[0]?.message ?? "is invalid", raw, "secret" in spec && spec.secret),
      });
  }
  if (problems.length) throw new SettingsError(problems);
  return values as SettingValues;
}

function describeIssue(name: string, message: string, raw: string, secret: boolean): string {
  const named = message.startsWith(name) ? message : `${name} ${message}`;
  return secret || named.includes('got "') ? named : `${named}, got "${raw}"`;
}

/** Rules between variables (each one alone was valid). */
function checkRelations(v: SettingValues): void {
  const problems: { name: string; message: string }[] = [];
  if (v.FEDERATION_MAX_RETRY_INTERVAL < v.FEDERATION_MIN_RETRY_INTERVAL) {
    problems.push({
      name: "FEDERATION_MAX_RETRY_INTERVAL",
      message:
        `FEDERATION_MAX_RETRY_INTERVAL (${v.FEDERATION_MAX_RETRY_INTERVAL} ms) must be >= ` +
        `FEDERATION_MIN_RETRY_INTERVAL (${v.FEDERATION_MIN_RETRY_INTERVAL} ms)`,
    });
  }
  if (v.FEDERATION_CLAIM_LEASE !== undefined && v.FEDERATION_CLAIM_LEASE <= v.FEDERATION_ATTEMPT_TIMEOUT) {
    problems.push({
      name: "FEDERATION_CLAIM_LEASE",
      message:
        `FEDERATION_CLAIM_LEASE (${v.FEDERATION_CLAIM_LEASE} ms) must exceed ` +
        `FEDERATION_ATTEMPT_TIMEOUT (${v.FEDERATION_ATTEMPT_TIMEOUT} ms)`,
    });
  }
  if ((v.ADMIN_EMAIL === undefined) !== (v.ADMIN_PASSWORD === undefined)) {
    const missing = v.ADMIN_EMAIL === undefined ? "ADMIN_EMAIL" : "ADMIN_PASSWORD";
    problems.push({ name: missing, message: `${missing} must be set too: ADMIN_EMAIL and ADMIN_PASSWORD go together` });
  }
  const token = v.FEDCONSOLE_UPSTREAM_TOKEN ?? v.FEDCONSOLE_UPSTREAM_TOKEN_FILE?.value;
  if (v.FEDCONSOLE_UPSTREAM_TOKEN !== undefined && v.FEDCONSOLE_UPSTREAM_TOKEN_FILE !== undefined) {
    problems.push({
      name: "FEDCONSOLE_UPSTREAM_TOKEN_FILE",
      message: "FEDCONSOLE_UPSTREAM_TOKEN_FILE and FEDCONSOLE_UPSTREAM_TOKEN are both set: set one of them",
    });
  } else if (v.FEDCONSOLE_UPSTREAM_URL !== undefined && token === undefined) {
    problems.push({
      name: "FEDCONSOLE_UPSTREAM_TOKEN",
      message:
        "FEDCONSOLE_UPSTREAM_TOKEN (or FEDCONSOLE_UPSTREAM_TOKEN_FILE) must be set with FEDCONSOLE_UPSTREAM_URL: a server-admin access token of the homeserver",
    });
  } else if (v.FEDCONSOLE_UPSTREAM_URL === undefined && token !== undefined) {
    problems.push({
      name: "FEDCONSOLE_UPSTREAM_URL",
      message: "FEDCONSOLE_UPSTREAM_URL must be set too: the token is only ever sent to that URL",
    });
  }
  if (problems.length) throw new SettingsError(problems);
}

function upstreamOf(v: SettingValues): UpstreamSettings | undefined {
  if (v.FEDCONSOLE_UPSTREAM_URL === undefined && v.FEDCONSOLE_UPSTREAM_DATABASE_URL === undefined) return undefined;
  return {
    url: v.FEDCONSOLE_UPSTREAM_URL,
    token: v.FEDCONSOLE_UPSTREAM_TOKEN ?? v.FEDCONSOLE_UPSTREAM_TOKEN_FILE?.value,
    databaseUrl: v.FEDCONSOLE_UPSTREAM_DATABASE_URL,
    syncIntervalMs: v.FEDCONSOLE_UPSTREAM_SYNC_INTERVAL,
    pollIntervalMs: v.FEDCONSOLE_UPSTREAM_POLL_INTERVAL,
    pageSize: v.FEDCONSOLE_UPSTREAM_PAGE_SIZE,
    timeoutMs: v.FEDCONSOLE_UPSTREAM_TIMEOUT,
    roomsConcurrency: v.FEDCONSOLE_UPSTREAM_ROOMS_CONCURRENCY,
    roomsPerPass: v.FEDCONSOLE_UPSTREAM_ROOMS_PER_PASS,
    ipAllowlist: v.FEDCONSOLE_UPSTREAM_IP_RANGE_ALLOWLIST,
  };
}

/** Parses every setting of `env`; throws SettingsError naming each bad one. */
export function loadSettings(env: Env): Settings {
  const v = parseValues(env);
  checkRelations(v);
  return {
    port: v.PORT,
    hostname: v.HOSTNAME,
    serverName: v.FEDCONSOLE_SERVER_NAME,
    publicUrl: v.FEDCONSOLE_PUBLIC_URL,
    trustProxy: v.FEDCONSOLE_TRUST_PROXY,
    tokenCache: v.FEDCONSOLE_TOKEN_CACHE,
    database: {
      url: v.DATABASE_URL,
      poolSize: v.DATABASE_POOL_SIZE,
      connectTimeoutMs: v.DATABASE_CONNECT_TIMEOUT,
      dataDir: path.resolve(/*turbopackIgnore: true*/ v.FEDCONSOLE_DATA_DIR),
    },
    build: { mode: v.FEDCONSOLE_BUILD, distDir: v.NEXT_DIST_DIR },
    firstAdmin:
      v.ADMIN_EMAIL !== undefined && v.ADMIN_PASSWORD !== undefined
        ? { email: v.ADMIN_EMAIL, password: v.ADMIN_PASSWORD }
        : undefined,
    auth: {
      secret: v.AUTH_SECRET,
      url: v.AUTH_URL ?? (v.FEDCONSOLE_PUBLIC_URL === undefined ? undefined : new URL(v.FEDCONSOLE_PUBLIC_URL).origin),
    },
    console: {
      sessionMaxAgeSec: Math.floor(v.FEDCONSOLE_SESSION_MAX_AGE / 1000),
      maxFailuresPerAccountAddress: v.FEDCONSOLE_LOGIN_MAX_FAILURES,
      maxFailuresPerAddress: v.FEDCONSOLE_LOGIN_MAX_FAILURES_PER_ADDRESS,
      maxFailuresPerAccount: v.FEDCONSOLE_LOGIN_MAX_FAILURES_PER_ACCOUNT,
      lockoutMs: v.FEDCONSOLE_LOGIN_LOCKOUT,
    },
    scheduler: {
      enabled: v.FEDERATION_SCHEDULER,
      concurrency: v.FEDERATION_CONCURRENCY,
      healthIntervalMs: v.FEDERATION_HEALTH_INTERVAL,
      attemptHistory: v.FEDERATION_ATTEMPT_HISTORY,
      manualAttemptsPerUserPerMinute: v.FEDERATION_MANUAL_ATTEMPT_RATE_LIMIT,
      // A tighter poll would only burn the database.
      pollIntervalMs: Math.max(50, v.FEDERATION_POLL_INTERVAL),
      claimLeaseMs: v.FEDERATION_CLAIM_LEASE,
      backoff: {
        minIntervalMs: BigInt(v.FEDERATION_MIN_RETRY_INTERVAL),
        multiplier: v.FEDERATION_RETRY_MULTIPLIER,
        maxIntervalMs: BigInt(v.FEDERATION_MAX_RETRY_INTERVAL),
      },
    },
    attempts: {
      timeoutMs: v.FEDERATION_ATTEMPT_TIMEOUT,
      // A blank blocklist means the default, so a stray empty variable cannot disable the
      // guard; to open everything, allow 0.0.0.0/0 and ::/0.
      ipBlocklist: v.FEDERATION_IP_RANGE_BLOCKLIST ?? DEFAULT_IP_RANGE_BLOCKLIST,
      ipAllowlist: v.FEDERATION_IP_RANGE_ALLOWLIST ?? [],
      ca: v.FEDERATION_CA_FILE?.pem,
      wellKnownPort: v.FEDERATION_WELL_KNOWN_PORT,
      dnsServers: v.FEDERATION_DNS_SERVERS,
    },
    checks: {
      timeoutMs: v.FEDERATION_CHECK_TIMEOUT,
      history: v.FEDERATION_CHECK_HISTORY,
      perUserPerMinute: v.FEDERATION_CHECK_RATE_LIMIT,
    },
    upstream: upstreamOf(v),
    webhooks: {
      downAfter: v.FEDCONSOLE_ALERT_DOWN_AFTER,
      deadAfterMs: v.FEDCONSOLE_DEAD_AFTER,
      minGapMs: v.FEDCONSOLE_ALERT_MIN_GAP,
      groupWindowMs: v.FEDCONSOLE_ALERT_GROUP_WINDOW,
      groupMin: v.FEDCONSOLE_ALERT_GROUP_MIN,
      certWarningMs: v.FEDCONSOLE_ALERT_CERT_WARNING,
      syncFailingAfterMs: v.FEDCONSOLE_ALERT_SYNC_FAILING_AFTER,
      pollIntervalMs: v.FEDCONSOLE_WEBHOOK_POLL_INTERVAL,
      retryBaseMs: v.FEDCONSOLE_WEBHOOK_RETRY_BASE,
      retryForMs: v.FEDCONSOLE_WEBHOOK_RETRY_FOR,
      timeoutMs: v.FEDCONSOLE_WEBHOOK_TIMEOUT,
      ipAllowlist: v.FEDCONSOLE_WEBHOOK_IP_RANGE_ALLOWLIST ?? [],
    },
    deadAfterMs: v.FEDCONSOLE_DEAD_AFTER,
    ops: {
      snapshotIntervalMs: v.FEDCONSOLE_METRICS_SNAPSHOT_INTERVAL,
      metricsToken: v.FEDCONSOLE_METRICS_TOKEN,
      schedulerMetricsPort: v.FEDCONSOLE_SCHEDULER_METRICS_PORT,
    },
  };
}

// One parse per process, shared by every bundle of the Next server (hence globalThis).
type Holder = { settings?: Settings };
const g = globalThis as { __fedconsoleSettings?: Holder };
g.__fedconsoleSettings ??= {};
const holder: Holder = g.__fedconsoleSettings;

/** This process's settings, parsed from its environment on first use. */
export function settings(): Settings {
  holder.settings ??= loadSettings(process.env);
  return holder.settings;
}

/** Installs settings for this process (tests, tools); undefined = parse the environment again on next use. */
export function installSettings(s: Settings | undefined): void {
  holder.settings = s;
}

/**
 * next-auth reads AUTH_URL and AUTH_TRUST_HOST from process.env itself: hands it ours. With a
 * public URL (AUTH_URL, else FEDCONSOLE_PUBLIC_URL) it builds its URLs, and decides whether the
 * session cookie is Secure, from that URL instead of from the request — behind a TLS proxy that
 * sends no X-Forwarded-Proto the request looks like plain http. Without one it trusts the
 * request's Host.
 */
export function exportAuthEnvironment(s: Settings = settings()): void {
  if (s.auth.url) process.env.AUTH_URL ||= s.auth.url;
  else process.env.AUTH_TRUST_HOST ||= "true";
}
