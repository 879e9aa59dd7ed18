// One list on purpose (over ~300 lines): every setting of the product in one place.
// Every setting of the product, declared once: its environment variable, default, accepted
// form and the meaning README's settings table shows (the table is generated from this list:
// `npm run settings:table`; a unit test fails when README and this list disagree). Adding a
// setting = one entry here + a field in settings.ts.
import type { z } from "zod";
import * as f from "./forms";

export type SettingSpec<T = unknown> = {
  /** Parsed from the raw default when the variable is unset or blank; absent = no value. */
  default?: string;
  /** The default as README shows it, when that is not the raw default itself. */
  defaultDoc?: string;
  /** README's "meaning" column (Markdown). */
  meaning: string;
  form: z.ZodType<T, string>;
  /** Never echoed in errors. */
  secret?: boolean;
  /** Values that must be refused (the settings test starts with each and expects an error naming the variable). */
  invalid: string[];
};

const setting = <const S extends SettingSpec>(s: S): S => s;

export const SETTINGS = {
  PORT: setting({
    default: "3000",
    meaning: "HTTP port of the console and API",
    form: f.port(),
    invalid: ["0", "http", "70000"],
  }),
  HOSTNAME: setting({
    default: "127.0.0.1",
    meaning: "address to listen on (`0.0.0.0` for all)",
    form: f.text().regex(/^[^\s/]+$/, { error: "must be a host name or IP address" }),
    invalid: ["local host", "http://x/"],
  }),
  DATABASE_URL: setting({
    defaultDoc: "unset",
    meaning: "PostgreSQL connection URL; unset = embedded PostgreSQL",
    form: f.postgresUrl(),
    secret: true,
    invalid: ["mysql://db/x", "localhost:5432"],
  }),
  DATABASE_POOL_SIZE: setting({
    default: "10",
    meaning: 'pooled connections per process (see "Deployment shapes" for the budget)',
    form: f.integer(1),
    invalid: ["0", "ten"],
  }),
  DATABASE_CONNECT_TIMEOUT: setting({
    default: "5s",
    meaning:
      "a new database connection that takes longer fails, so a request answers 503 instead of hanging (ms, or `s m h` suffixes; at least 100 ms)",
    form: f.duration("DATABASE_CONNECT_TIMEOUT", 100),
    invalid: ["50", "soon"],
  }),
  FEDCONSOLE_DATA_DIR: setting({
    default: "./data",
    meaning: "where the embedded PostgreSQL keeps its data (`<dir>/pg`)",
    form: f.text(),
    invalid: [],
  }),
  FEDCONSOLE_SERVER_NAME: setting({
    default: "localhost",
    meaning:
      'the homeserver whose federation this console manages; also the server part of team members\' Matrix-style ids (see "Use with Ketesa / synapse-admin")',
    form: f.serverName("FEDCONSOLE_SERVER_NAME"),
    invalid: ["not a name", "example.org:99999"],
  }),
  FEDCONSOLE_PUBLIC_URL: setting({
    defaultDoc: "this origin",
    meaning:
      "the console's public base URL (`https://…`, no query), answered as `m.homeserver.base_url` in `/.well-known/matrix/client`; unset = the origin of each request (`X-Forwarded-Proto` honoured)",
    form: f.baseUrl(),
    invalid: ["fed.example.org", "ftp://fed.example.org", "https://fed.example.org/?x=1"],
  }),
  FEDERATION_SCHEDULER: setting({
    default: "on",
    meaning: "`off` = serve web and API only",
    form: f.onOff(),
    invalid: ["maybe"],
  }),
  FEDERATION_MIN_RETRY_INTERVAL: setting({
    default: "10m",
    meaning: "backoff after the first failure (ms, or `s m h d w y` suffixes)",
    // 0 would make a failure write look like a reset (interval 0 always wins the guard).
    form: f.positiveDuration("FEDERATION_MIN_RETRY_INTERVAL"),
    invalid: ["0", "10 minutes"],
  }),
  FEDERATION_RETRY_MULTIPLIER: setting({
    default: "2",
    meaning: "growth factor per further failure (times a random 0.8–1.4)",
    // Below 1 the interval would shrink with every failure.
    form: f.decimal(1),
    invalid: ["0.5", "two", "-2", "Infinity", "0x2"],
  }),
  FEDERATION_MAX_RETRY_INTERVAL: setting({
    default: "7d",
    meaning: "backoff cap",
    form: f.positiveDuration("FEDERATION_MAX_RETRY_INTERVAL"),
    invalid: ["7days", "1m"],
  }),
  FEDERATION_HEALTH_INTERVAL: setting({
    default: "1h",
    meaning: "re-check healthy destinations this often; `0` = never",
    form: f.duration("FEDERATION_HEALTH_INTERVAL"),
    invalid: ["hourly"],
  }),
  FEDERATION_CONCURRENCY: setting({
    default: "32",
    meaning: "attempts in flight per scheduler process",
    form: f.integer(1),
    invalid: ["0", "many"],
  }),
  FEDERATION_ATTEMPT_TIMEOUT: setting({
    default: "10s",
    meaning: "deadline of one attempt (discovery, connect, TLS, response)",
    form: f.positiveDuration("FEDERATION_ATTEMPT_TIMEOUT"),
    invalid: ["0", "soon"],
  }),
  FEDERATION_ATTEMPT_HISTORY: setting({
    default: "50",
    meaning: "attempts kept per destination",
    form: f.integer(1),
    invalid: ["0", "all"],
  }),
  FEDERATION_CLAIM_LEASE: setting({
    defaultDoc: "2 × timeout + 30 s",
    meaning:
      "how long a scheduler's claim on a destination holds; after a crash its destinations are attempted again once it expires (must exceed the attempt timeout)",
    form: f.positiveDuration("FEDERATION_CLAIM_LEASE"),
    invalid: ["0", "5s"],
  }),
  FEDERATION_POLL_INTERVAL: setting({
    default: "1s",
    meaning: "how often the scheduler looks for due destinations when nothing wakes it (at least 50 ms)",
    form: f.duration("FEDERATION_POLL_INTERVAL"),
    invalid: ["often"],
  }),
  FEDERATION_IP_RANGE_BLOCKLIST: setting({
    defaultDoc: "Synapse's list + NAT64 etc.",
    meaning:
      "CIDR ranges never connected to (comma/space separated); `0.0.0.0` and `::` are always blocked; IPv4 ranges also block their IPv4-mapped, -compatible and 6to4 forms. The default is Synapse's `ip_range_blacklist` default and, beyond Synapse's, `64:ff9b::/96` and `64:ff9b:1::/48` (NAT64), `::ffff:0:0:0/96` (IPv4-translated), `240.0.0.0/4` and `0.0.0.0/8` (see SECURITY.md); a list you set replaces the whole default",
    form: f.cidrList("FEDERATION_IP_RANGE_BLOCKLIST"),
    invalid: ["10.0.0.0/8,bogus"],
  }),
  FEDERATION_IP_RANGE_ALLOWLIST: setting({
    defaultDoc: "empty",
    meaning: "CIDR ranges opened despite the blocklist (tests and the demo open `127.0.0.0/8`)",
    form: f.cidrList("FEDERATION_IP_RANGE_ALLOWLIST"),
    invalid: ["127.0.0.0/88"],
  }),
  FEDERATION_CA_FILE: setting({
    defaultDoc: "unset",
    meaning:
      "PEM file of extra CA certificates to trust (private federations, tests), besides the system roots; read at start-up",
    form: f.pemFile("FEDERATION_CA_FILE"),
    invalid: ["/nonexistent/ca.pem"],
  }),
  FEDERATION_WELL_KNOWN_PORT: setting({
    default: "443",
    meaning: "port of `/.well-known/matrix/server` lookups (a test and private-federation aid)",
    form: f.port(),
    invalid: ["70000", "https"],
  }),
  FEDCONSOLE_BUILD: setting({
    default: "auto",
    meaning: "`npm start` builds when the build is missing or older than the sources; `never` or `always`",
    form: f.oneOf(["auto", "never", "always"]),
    invalid: ["sometimes"],
  }),
  NEXT_DIST_DIR: setting({
    default: ".next",
    meaning: "build folder (lets parallel checkouts or test runs build side by side)",
    form: f.text(),
    invalid: [],
  }),
  ADMIN_EMAIL: setting({
    defaultDoc: "unset",
    meaning: "with `ADMIN_PASSWORD`: create this admin on first start when no user exists",
    form: f.email(),
    invalid: ["admin"],
  }),
  ADMIN_PASSWORD: setting({
    defaultDoc: "unset",
    meaning: "the first admin's password (with `ADMIN_EMAIL`)",
    form: f.text(),
    secret: true,
    invalid: [],
  }),
  FEDCONSOLE_SESSION_MAX_AGE: setting({
    default: "12h",
    meaning: "how long a console sign-in lasts (duration: ms, or `30m`, `12h`, `7d`; at least 1 min)",
    form: f.duration("FEDCONSOLE_SESSION_MAX_AGE", 60_000),
    invalid: ["5s", "a day"],
  }),
  FEDCONSOLE_LOGIN_MAX_FAILURES: setting({
    default: "5",
    meaning:
      'failed sign-ins for one account from one client address within the window before that account is paused *for that address* (others still sign in; see "Sign-in throttling")',
    form: f.integer(1),
    invalid: ["0", "five"],
  }),
  FEDCONSOLE_LOGIN_MAX_FAILURES_PER_ADDRESS: setting({
    default: "50",
    meaning: "failed sign-ins from one client address (any accounts) within the window before the address is paused",
    form: f.integer(1),
    invalid: ["0"],
  }),
  FEDCONSOLE_LOGIN_MAX_FAILURES_PER_ACCOUNT: setting({
    default: "100",
    meaning:
      "failed sign-ins for one account from all addresses together within the window before the account is paused for everyone: the ceiling against guessing spread over many addresses",
    form: f.integer(1),
    invalid: ["0", "lots"],
  }),
  FEDCONSOLE_LOGIN_LOCKOUT: setting({
    default: "15m",
    meaning:
      "the counting window, and how long a first pause lasts; each further pause of the same key within a day doubles, up to 24 h (at least 1 s)",
    form: f.duration("FEDCONSOLE_LOGIN_LOCKOUT", 1_000),
    invalid: ["10", "forever"],
  }),
  FEDCONSOLE_TRUST_PROXY: setting({
    default: "off",
    meaning:
      "`off`: the client address (for sign-in and password-login throttling) is the connection's, and a client's `X-Forwarded-For`/`X-Real-IP` are ignored; `on` behind a reverse proxy that sets `X-Forwarded-For`: its last entry is the client address (only enable when clients cannot reach the server except through that proxy)",
    form: f.onOff(),
    invalid: ["sometimes"],
  }),
  FEDCONSOLE_TOKEN_CACHE: setting({
    default: "on",
    meaning:
      "`on`: the web process keeps API token checks in memory, forgotten at once when a token is revoked or its owner removed or given another role (by any process: a PostgreSQL NOTIFY), and not kept at all while it cannot listen for those changes (a heartbeat NOTIFY every 2 s must come back within 5 s); `off`: every API request reads its token from the database",
    form: f.onOff(),
    invalid: ["yes please"],
  }),
  AUTH_SECRET: setting({
    defaultDoc: "stored in the database",
    meaning:
      "secret that signs console sessions; unset = a random one created on first start (table `app_secrets`), shared by every instance on the database",
    form: f.text(),
    secret: true,
    invalid: [],
  }),
  AUTH_URL: setting({
    defaultDoc: "unset",
    meaning:
      "the console's public URL for sign-in redirects and cookies; unset = the origin of `FEDCONSOLE_PUBLIC_URL` when that is set (so an `https://` public URL makes the session cookie `Secure`), else the request's Host is trusted (`AUTH_TRUST_HOST=true`)",
    form: f.baseUrl(),
    invalid: ["console.example.org"],
  }),
  FEDCONSOLE_UPSTREAM_URL: setting({
    defaultDoc: "unset (standalone)",
    meaning:
      'base URL of the homeserver whose federation admin API this console mirrors (e.g. `http://127.0.0.1:8008`); unset = standalone (see "Use it with your homeserver")',
    form: f.baseUrl(),
    invalid: ["synapse.local:8008", "https://hs.example.org/?x=1"],
  }),
  FEDCONSOLE_UPSTREAM_TOKEN: setting({
    defaultDoc: "unset",
    meaning:
      "a server-admin access token of the homeserver; sent only to `FEDCONSOLE_UPSTREAM_URL`, never logged or shown",
    form: f.text(),
    secret: true,
    invalid: [],
  }),
  FEDCONSOLE_UPSTREAM_TOKEN_FILE: setting({
    defaultDoc: "unset",
    meaning: "a file holding that token instead (read at start-up; surrounding whitespace ignored)",
    form: f.secretFile("FEDCONSOLE_UPSTREAM_TOKEN_FILE"),
    invalid: ["/nonexistent/token"],
  }),
  FEDCONSOLE_UPSTREAM_DATABASE_URL: setting({
    defaultDoc: "unset",
    meaning:
      "optional: the homeserver's own PostgreSQL, with a read-only role (`GRANT SELECT ON destinations, destination_rooms`); reads then come from its tables, resets still go through the admin API",
    form: f.postgresUrl(),
    secret: true,
    invalid: ["sqlite:///homeserver.db"],
  }),
  FEDCONSOLE_UPSTREAM_SYNC_INTERVAL: setting({
    default: "5m",
    meaning: "mirror mode: a full pass over the homeserver's destinations this often (at least 1 s)",
    form: f.duration("FEDCONSOLE_UPSTREAM_SYNC_INTERVAL", 1_000),
    invalid: ["0", "often"],
  }),
  FEDCONSOLE_UPSTREAM_POLL_INTERVAL: setting({
    default: "15s",
    meaning: "mirror mode: a recent-changes pass (new failures) this often (at least 100 ms)",
    form: f.duration("FEDCONSOLE_UPSTREAM_POLL_INTERVAL", 100),
    invalid: ["10", "soon"],
  }),
  FEDCONSOLE_UPSTREAM_PAGE_SIZE: setting({
    default: "1000",
    meaning: "mirror mode: destinations per upstream page (API `limit`, database batch)",
    form: f.integer(1, 100_000),
    invalid: ["0", "200000"],
  }),
  FEDCONSOLE_UPSTREAM_TIMEOUT: setting({
    default: "30s",
    meaning: "mirror mode: deadline of one upstream request (a page, a reset, a database batch)",
    form: f.positiveDuration("FEDCONSOLE_UPSTREAM_TIMEOUT"),
    invalid: ["0", "long"],
  }),
  FEDCONSOLE_UPSTREAM_ROOMS_CONCURRENCY: setting({
    default: "4",
    meaning: "mirror mode through the API: rooms requests (and bulk-reset relays) in flight at once",
    form: f.integer(1, 64),
    invalid: ["0", "100"],
  }),
  FEDCONSOLE_UPSTREAM_ROOMS_PER_PASS: setting({
    default: "5000",
    meaning:
      "mirror mode through the API: room sets read per full pass (one request each): those of destinations whose timings changed first, then failing ones in turn, then the rest in turn",
    form: f.integer(0),
    invalid: ["all"],
  }),
  FEDCONSOLE_UPSTREAM_IP_RANGE_ALLOWLIST: setting({
    default: "127.0.0.0/8 ::1/128 10.0.0.0/8 172.16.0.0/12 192.168.0.0/16 fc00::/7",
    meaning:
      "ranges the upstream may be reached at despite `FEDERATION_IP_RANGE_BLOCKLIST` (a homeserver usually lives on the operator's own network); link-local (cloud metadata), multicast and the rest stay blocked",
    form: f.cidrList("FEDCONSOLE_UPSTREAM_IP_RANGE_ALLOWLIST"),
    invalid: ["10.0.0.0/33"],
  }),
  FEDERATION_DNS_SERVERS: setting({
    defaultDoc: "the system's",
    meaning:
      "DNS servers for federation lookups (attempts and checks: SRV, CNAME, A, AAAA), comma/space separated, each an IP with an optional port (`10.0.0.53`, `127.0.0.1:5353`, `[::1]:5353`); unset = the system's resolver",
    form: f.dnsServers("FEDERATION_DNS_SERVERS"),
    invalid: ["dns.example.org", "127.0.0.1:99999"],
  }),
  FEDERATION_CHECK_TIMEOUT: setting({
    default: "20s",
    meaning: "deadline of one federation check (every step and address included)",
    form: f.positiveDuration("FEDERATION_CHECK_TIMEOUT"),
    invalid: ["0", "long"],
  }),
  FEDERATION_CHECK_HISTORY: setting({
    default: "20",
    meaning: "check reports kept per server name",
    form: f.integer(1, 1000),
    invalid: ["0", "all"],
  }),
  FEDERATION_CHECK_RATE_LIMIT: setting({
    default: "10",
    meaning:
      "federation checks one user may start per minute (console, API and tester endpoints together); more answer 429",
    form: f.integer(1),
    invalid: ["0", "many"],
  }),
  FEDERATION_MANUAL_ATTEMPT_RATE_LIMIT: setting({
    default: "10",
    meaning: 'manual attempts ("Attempt now": console and API together) one user may start per minute; more answer 429',
    form: f.integer(1),
    invalid: ["0", "many"],
  }),
  // Alert webhooks (lib/webhooks/).
  FEDCONSOLE_ALERT_DOWN_AFTER: setting({
    default: "2",
    meaning: "consecutive failed attempts after which a healthy destination counts as down (alert `down`)",
    form: f.integer(1, 1_000),
    invalid: ["0", "two"],
  }),
  FEDCONSOLE_DEAD_AFTER: setting({
    default: "7d",
    meaning:
      'a destination failing longer than this is dead: announced as `dead` once per outage (webhooks), and only dead destinations can be forgotten without forcing it (the console\'s "Forget dead", `DELETE /_fedconsole/v1/destinations/<name>`)',
    form: f.positiveDuration("FEDCONSOLE_DEAD_AFTER"),
    invalid: ["0", "a week"],
  }),
  FEDCONSOLE_ALERT_MIN_GAP: setting({
    default: "30m",
    meaning:
      "flap damping: at most one `down`/`recovered` pair per destination this often; a damped down is announced once the gap has passed if it still lasts; `0` = no damping",
    form: f.duration("FEDCONSOLE_ALERT_MIN_GAP"),
    invalid: ["often"],
  }),
  FEDCONSOLE_ALERT_GROUP_WINDOW: setting({
    default: "30s",
    meaning: "alerts wait this long to be grouped with others of their kind (a network outage becomes one event)",
    form: f.duration("FEDCONSOLE_ALERT_GROUP_WINDOW"),
    invalid: ["soon"],
  }),
  FEDCONSOLE_ALERT_GROUP_MIN: setting({
    default: "5",
    meaning:
      "this many alerts of one kind within the window arrive as one grouped event (count and the first names); fewer arrive one by one",
    form: f.integer(2),
    invalid: ["1", "many"],
  }),
  FEDCONSOLE_ALERT_CERT_WARNING: setting({
    default: "14d",
    meaning: "a destination whose TLS certificate expires within this time is announced (`cert_expiring`)",
    form: f.positiveDuration("FEDCONSOLE_ALERT_CERT_WARNING"),
    invalid: ["0", "two weeks"],
  }),
  FEDCONSOLE_ALERT_SYNC_FAILING_AFTER: setting({
    default: "15m",
    meaning: "mirror mode: the upstream sync failing for this long is announced (`sync_failing`)",
    form: f.duration("FEDCONSOLE_ALERT_SYNC_FAILING_AFTER"),
    invalid: ["later"],
  }),
  FEDCONSOLE_WEBHOOK_POLL_INTERVAL: setting({
    default: "1s",
    meaning: "how often the scheduler process groups alerts and looks for webhook deliveries due (at least 50 ms)",
    form: f.duration("FEDCONSOLE_WEBHOOK_POLL_INTERVAL", 50),
    invalid: ["10", "often"],
  }),
  FEDCONSOLE_WEBHOOK_RETRY_BASE: setting({
    default: "30s",
    meaning: "wait before the first retry of a failed delivery; doubles with each try (at least 50 ms)",
    form: f.duration("FEDCONSOLE_WEBHOOK_RETRY_BASE", 50),
    invalid: ["10", "soon"],
  }),
  FEDCONSOLE_WEBHOOK_RETRY_FOR: setting({
    default: "24h",
    meaning: "a delivery still failing this long after its first try is given up and recorded as failed",
    form: f.positiveDuration("FEDCONSOLE_WEBHOOK_RETRY_FOR"),
    invalid: ["0", "forever"],
  }),
  FEDCONSOLE_WEBHOOK_TIMEOUT: setting({
    default: "10s",
    meaning: "deadline of one webhook POST (connect, answer and body)",
    form: f.positiveDuration("FEDCONSOLE_WEBHOOK_TIMEOUT"),
    invalid: ["0", "long"],
  }),
  FEDCONSOLE_WEBHOOK_IP_RANGE_ALLOWLIST: setting({
    defaultDoc: "empty",
    meaning:
      "ranges webhook URLs may reach despite `FEDERATION_IP_RANGE_BLOCKLIST` (e.g. a Mattermost on `10.0.0.0/8`); `FEDERATION_IP_RANGE_ALLOWLIST` applies too",
    form: f.cidrList("FEDCONSOLE_WEBHOOK_IP_RANGE_ALLOWLIST"),
    invalid: ["10.0.0.0/33"],
  }),
  FEDCONSOLE_METRICS_SNAPSHOT_INTERVAL: setting({
    default: "1m",
    meaning:
      "how often one scheduler process records the overview's history point (destinations by status, attempts by outcome; also what `/metrics` reports for the destination gauges); at least 100 ms",
    form: f.duration("FEDCONSOLE_METRICS_SNAPSHOT_INTERVAL", 100),
    invalid: ["10", "hourly"],
  }),
  FEDCONSOLE_SCHEDULER_METRICS_PORT: setting({
    defaultDoc: "unset",
    meaning:
      "`npm run scheduler` only: serve its `GET /metrics` (its own attempt and tick counters) on this port at `HOSTNAME`; unset = no HTTP port",
    form: f.port(),
    invalid: ["0", "metrics"],
  }),
  FEDCONSOLE_METRICS_TOKEN: setting({
    defaultDoc: "unset",
    meaning:
      "a bearer token for `GET /metrics` only (at least 16 characters), for a Prometheus server without a team account; any team member's API token works too. Never logged",
    form: f.secret(16),
    secret: true,
    invalid: ["short"],
  }),
} as const satisfies Record<string, SettingSpec>;

export type SettingName = keyof typeof SETTINGS;

/** The parsed value of each variable (undefined: unset, no default). */
export type SettingValues = {
  [K in SettingName]: (typeof SETTINGS)[K] extends { default: string }
    ? z.output<(typeof SETTINGS)[K]["form"]>
    : z.output<(typeof SETTINGS)[K]["form"]> | undefined;
};

/** Words that mean "on"/"off" in every switch (README lists them once). */
export const SWITCH_WORDS = "on/off, true/false, 1/0, yes/no";
