// A fleet of fake Matrix homeservers: real HTTPS servers on loopback with random ports,
// each with a behaviour that can change at run time. Used by unit tests, e2e tests and the
// demo. Certificates come from a CA made at start (fleet.caPem → opts.ca / FEDERATION_CA_FILE),
// and connecting needs an IP-guard allowlist of LOOPBACK_ALLOWLIST.
import fs from "node:fs";
import https from "node:https";
import type { IncomingMessage, ServerResponse } from "node:http";
import type { Socket } from "node:net";
import { randomBytes } from "node:crypto";
import { signJson, signingKeyFromSeed, type SigningKey } from "../../checks/sign-json";
import { createFleetCertificates, type FleetCertificates, type IssuedCertificate } from "./test-ca";
import { formatHostPort } from "../server-name";

export const VERSION_PATH = "/_matrix/federation/v1/version";
export const WELL_KNOWN_PATH = "/.well-known/matrix/server";
export const KEY_PATH = "/_matrix/key/v2/server";
export const FAKE_KEY_ID = "ed25519:fake";
export const FAKE_SERVER_SOFTWARE = { name: "FakeSynapse", version: "1.2.3" } as const;
/** FEDERATION_IP_RANGE_ALLOWLIST entries that open the fleet's addresses. */
export const LOOPBACK_ALLOWLIST: readonly string[] = Object.freeze(["127.0.0.0/8", "::1/128"]);

export type SimpleBehaviour =
  | "healthy"
  | "down" // port closed: connection refused
  | "status500"
  | "status401"
  | "status429"
  | "status404"
  | "hang" // accepts the request, never answers
  | "invalidJson" // 200 application/json with a broken body
  | "nulInVersion" // 200 with a NUL byte (\u0000) in server.version
  | "invalidJsonWithNul" // 200 application/json, a broken body with a raw NUL that JSON.parse's error quotes
  | "badContentType" // 200 text/html
  | "flapping" // 500, 200, 500, 200, ... (counting every non-well-known request)
  | "expiredCert"
  | "wrongNameCert"
  // Healthy on /version, with one fault each (federation checks, lib/checks):
  | "badKeySignature" // the key response's signature does not verify
  | "expiredKeys" // valid_until_ts an hour ago
  | "wrongKeyServerName" // the key response is for "wrong.example"
  | "expiringCert" // the certificate expires in 3 days
  | "selfSignedCert"
  | "tls12Only"; // TLS 1.2 at most

/**
 * Serves /.well-known/matrix/server. By default {"m.server": "localhost:<port of delegateTo>"};
 * `mServer` sets the value verbatim, `body` the raw body, `redirectTo` answers 302 to that
 * member's well-known URL (https://localhost:<port>/...), `redirectUrl` 302 to any URL,
 * `status` a non-200 status. Other paths answer 404.
 */
export type WellKnownBehaviour = {
  kind: "wellKnown";
  delegateTo?: string;
  mServer?: string;
  body?: string;
  redirectTo?: string;
  redirectUrl?: string;
  status?: number;
  cacheControl?: string;
  /** Host (without port) → m.server; other hosts get 404. One server then plays many names' well-known. */
  byHost?: Record<string, string>;
};

export type Behaviour = SimpleBehaviour | { kind: "slow"; delayMs: number } | WellKnownBehaviour;

export type FakeServerSpec = {
  name: string;
  behaviour: Behaviour;
  /** Listen address; default 127.0.0.1 ("::1" for IPv6 cases, 127.0.0.2 for an address the guard blocks). */
  host?: string;
  /** The server_name its key response claims; default its serverName ("127.0.0.1:<port>"). */
  matrixName?: string;
};

export class RequestLog {
  total = 0;
  readonly byPath = new Map<string, number>();
  record(path: string): void {
    this.total += 1;
    this.byPath.set(path, (this.byPath.get(path) ?? 0) + 1);
  }
  count(path: string): number {
    return this.byPath.get(path) ?? 0;
  }
  clear(): void {
    this.total = 0;
    this.byPath.clear();
  }
}

export type FakeServer = {
  readonly name: string;
  readonly host: string;
  readonly port: number;
  /** The server name that reaches this member directly, e.g. "127.0.0.1:40123" or "[::1]:40124". */
  readonly serverName: string;
  readonly behaviour: Behaviour;
  readonly requests: RequestLog;
  /** TCP connections accepted (also counts handshakes that failed). */
  readonly connections: number;
  /** Its ed25519 signing key (the key endpoint publishes it). */
  readonly signingKey: SigningKey;
  setBehaviour(behaviour: Behaviour): Promise<void>;
  resetCounts(): void;
};

export type FakeFleet = {
  caPem: string;
  certificates: FleetCertificates;
  servers: FakeServer[];
  server(name: string): FakeServer;
  close(): Promise<void>;
};

function sendJson(res: ServerResponse, status: number, body: unknown, extra: Record<string, string> = {}): void {
  const text = JSON.stringify(body);
  res.writeHead(status, { "Content-Type": "application/json", "Content-Length": Buffer.byteLength(text), ...extra });
  res.end(text);
}

function errorBody(status: number): { errcode: string; error: string } {
  const errcode =
    status === 401
      ? "M_UNAUTHORIZED"
      : status === 429
        ? "M_LIMIT_EXCEEDED"
        : status === 404
          ? "M_UNRECOGNIZED"
          : "M_UNKNOWN";
  return { errcode, error: `fake server answers ${status}` };
}

class FakeServerImpl implements FakeServer {
  readonly requests = new RequestLog();
  connections = 0;
  port = 0;
  private server: https.Server;
  private listening = false;
  private sockets = new Set<Socket>();
  private timers = new Set<NodeJS.Timeout>();
  private flapCount = 0;
  readonly signingKey = signingKeyFromSeed(randomBytes(32), FAKE_KEY_ID);
  private readonly oldKey = signingKeyFromSeed(randomBytes(32), "ed25519:old");

  constructor(
    readonly name: string,
    readonly host: string,
    public behaviour: Behaviour,
    private certificates: FleetCertificates,
    private lookupPort: (name: string) => number,
    private readonly matrixName?: string,
  ) {
    this.server = https.createServer(
      { ...this.certificateFor(behaviour), maxVersion: behaviour === "tls12Only" ? "TLSv1.2" : "TLSv1.3" },
      (req, res) => this.handle(req, res),
    );
    this.server.on("connection", (socket: Socket) => {
      this.connections += 1;
      this.sockets.add(socket);
      socket.on("close", () => this.sockets.delete(socket));
    });
    // Failed handshakes are the point of some behaviours; nothing to report.
    this.server.on("tlsClientError", () => {});
  }

  get serverName(): string {
    return formatHostPort(this.host, this.port);
  }

  private certificateFor(behaviour: Behaviour): { cert: string; key: string } {
    const issued: IssuedCertificate =
      behaviour === "expiredCert"
        ? this.certificates.expired
        : behaviour === "wrongNameCert"
          ? this.certificates.wrongName
          : behaviour === "expiringCert"
            ? this.certificates.expiringSoon
            : behaviour === "selfSignedCert"
              ? this.certificates.selfSigned
              : this.certificates.valid;
    return { cert: issued.certPem, key: issued.keyPem };
  }

  /**
   * `fixedRange`: take a port below the kernel's ephemeral range (see quietPort) rather than
   * one the kernel picks, so that while this server is down nobody else is given its port.
   */
  async start(fixedRange: boolean): Promise<void> {
    if (!fixedRange) await this.listen(0);
    else {
      for (let attempt = 1; ; attempt++) {
        try {
          await this.listen(quietPort());
          break;
        } catch (e) {
          if ((e as { code?: string }).code !== "EADDRINUSE" || attempt >= 50) throw e;
        }
      }
    }
    if (this.behaviour === "down") await this.stopListening();
  }

  private listen(port: number): Promise<void> {
    return new Promise((resolve, reject) => {
      this.server.once("error", reject);
      this.server.listen(port, this.host, () => {
        this.server.off("error", reject);
        const address = this.server.address();
        if (address !== null && typeof address === "object") this.port = address.port;
        this.listening = true;
        resolve();
      });
    });
  }

  private stopListening(): Promise<void> {
    for (const timer of this.timers) clearTimeout(timer);
    this.timers.clear();
    for (const socket of this.sockets) socket.destroy();
    if (!this.listening) return Promise.resolve();
    this.listening = false;
    return new Promise((resolve) => this.server.close(() => resolve()));
  }

  async setBehaviour(behaviour: Behaviour): Promise<void> {
    this.behaviour = behaviour;
    this.flapCount = 0;
    // New handshakes use the new certificate; established connections keep theirs.
    this.server.setSecureContext({
      ...this.certificateFor(behaviour),
      maxVersion: behaviour === "tls12Only" ? "TLSv1.2" : "TLSv1.3",
    });
    if (behaviour === "down") await this.stopListening();
    else if (!this.listening) await this.listen(this.port);
  }

  resetCounts(): void {
    this.requests.clear();
    this.connections = 0;
  }

  close(): Promise<void> {
    return this.stopListening();
  }

  private later(ms: number, fn: () => void): void {
    const timer = setTimeout(() => {
      this.timers.delete(timer);
      fn();
    }, ms);
    this.timers.add(timer);
  }

  // Returns whatever the chosen reply returns (nothing): `return reply(...)` ends each branch.
  private handle(req: IncomingMessage, res: ServerResponse) {
    const path = (req.url ?? "/").split("?")[0];
    this.requests.record(path);
    const behaviour = this.behaviour;
    if (typeof behaviour === "object" && behaviour.kind === "wellKnown")
      return this.wellKnown(behaviour, path, res, req);
    if (path === WELL_KNOWN_PATH) return sendJson(res, 404, errorBody(404));
    if (path === KEY_PATH && servesKeys(behaviour)) return sendJson(res, 200, this.keyResponse(behaviour));
    const healthy = () => sendJson(res, 200, { server: FAKE_SERVER_SOFTWARE });
    if (typeof behaviour === "object") return this.later(behaviour.delayMs, healthy);
    switch (behaviour) {
      case "status500":
      case "status401":
      case "status429":
      case "status404": {
        const status = Number(behaviour.slice("status".length));
        return sendJson(res, status, errorBody(status));
      }
      case "hang":
        return; // the socket is destroyed when the fleet closes
      case "invalidJson":
        res.writeHead(200, { "Content-Type": "application/json" });
        return void res.end('{"server": {"name": "FakeSynapse", ');
      case "nulInVersion":
        return sendJson(res, 200, { server: { name: "Fake\u0000Synapse", version: "1.2.3\u0000-evil" } });
      case "invalidJsonWithNul":
        res.writeHead(200, { "Content-Type": "application/json" });
        return void res.end('{"server": \u0000 "FakeSynapse"}');
      case "badContentType":
        res.writeHead(200, { "Content-Type": "text/html" });
        return void res.end("<html>It works!</html>");
      case "flapping":
        this.flapCount += 1;
        return this.flapCount % 2 === 1 ? sendJson(res, 500, errorBody(500)) : healthy();
      default:
        return healthy();
    }
  }

  /** GET /_matrix/key/v2/server (server-server API §"Publishing Keys"), signed, with its fault if any. */
  private keyResponse(behaviour: Behaviour): Record<string, unknown> {
    const now = Date.now();
    const serverName = behaviour === "wrongKeyServerName" ? "wrong.example" : (this.matrixName ?? this.serverName);
    const signed = signJson(
      {
        server_name: serverName,
        valid_until_ts: behaviour === "expiredKeys" ? now - 3_600_000 : now + 86_400_000,
        verify_keys: { [this.signingKey.keyId]: { key: this.signingKey.publicKeyBase64 } },
        old_verify_keys: { [this.oldKey.keyId]: { key: this.oldKey.publicKeyBase64, expired_ts: now - 86_400_000 } },
      },
      serverName,
      this.signingKey,
    );
    // Changed after signing: the signature no longer matches the body.
    return behaviour === "badKeySignature" ? { ...signed, valid_until_ts: now + 2 * 86_400_000 } : signed;
  }

  private wellKnown(behaviour: WellKnownBehaviour, path: string, res: ServerResponse, req: IncomingMessage) {
    if (path !== WELL_KNOWN_PATH) return sendJson(res, 404, errorBody(404));
    if (behaviour.byHost !== undefined) {
      const host = (req.headers.host ?? "").replace(/:\d+$/, "").toLowerCase();
      const mServer = behaviour.byHost[host];
      return mServer === undefined ? sendJson(res, 404, errorBody(404)) : sendJson(res, 200, { "m.server": mServer });
    }
    if (behaviour.redirectTo !== undefined || behaviour.redirectUrl !== undefined) {
      const location =
        behaviour.redirectUrl ??
        `https://localhost:${this.lookupPort(behaviour.redirectTo ?? this.name)}${WELL_KNOWN_PATH}`;
      res.writeHead(302, { Location: location, "Content-Length": 0 });
      return void res.end();
    }
    const headers: Record<string, string> = behaviour.cacheControl ? { "Cache-Control": behaviour.cacheControl } : {};
    if (behaviour.body !== undefined) {
      res.writeHead(behaviour.status ?? 200, { "Content-Type": "application/json", ...headers });
      return void res.end(behaviour.body);
    }
    const mServer = behaviour.mServer ?? `localhost:${this.lookupPort(behaviour.delegateTo ?? this.name)}`;
    sendJson(res, behaviour.status ?? 200, { "m.server": mServer }, headers);
  }
}

function servesKeys(behaviour: Behaviour): boolean {
  if (typeof behaviour === "object") return behaviour.kind === "slow";
  return ![
    "status500",
    "status401",
    "status429",
    "status404",
    "hang",
    "invalidJson",
    "nulInVersion",
    "invalidJsonWithNul",
    "badContentType",
    "flapping",
  ].includes(behaviour);
}

const SMALL_FLEET = 200;

/**
 * A random port below Linux's ephemeral range (net.ipv4.ip_local_port_range, 32768–60999 by
 * default). A "down" server gives its port back, and a port the kernel hands out (listen(0), a
 * client's source port) may then go to another test's server running in parallel: the down
 * server would then answer with someone else's certificate instead of refusing. Below the
 * range only explicit choices like this one can land on it.
 */
function quietPort(): number {
  let low = 32768;
  try {
    low = Number(fs.readFileSync("/proc/sys/net/ipv4/ip_local_port_range", "utf8").trim().split(/\s+/)[0]) || low;
  } catch {
    /* not Linux: the default range */
  }
  const from = 10_000;
  const to = Math.max(from + 1000, low - 1);
  return from + Math.floor(Math.random() * (to - from));
}

/** Starts one server per spec (names must be unique). Close the fleet in an `after` hook. */
export async function startFakeFleet(
  specs: FakeServerSpec[],
  options: { certificates?: FleetCertificates; extraDnsNames?: string[] } = {},
): Promise<FakeFleet> {
  const certificates = options.certificates ?? (await createFleetCertificates(undefined, options.extraDnsNames));
  const byName = new Map<string, FakeServerImpl>();
  const lookupPort = (name: string): number => {
    const member = byName.get(name);
    if (member === undefined) throw new Error(`fake fleet has no server named "${name}"`);
    return member.port;
  };
  for (const spec of specs) {
    if (byName.has(spec.name)) throw new Error(`duplicate fake server name "${spec.name}"`);
    byName.set(
      spec.name,
      new FakeServerImpl(
        spec.name,
        spec.host ?? "127.0.0.1",
        spec.behaviour,
        certificates,
        lookupPort,
        spec.matrixName,
      ),
    );
  }
  const servers = [...byName.values()];
  // Small fleets (the tests') take ports outside the ephemeral range; a bench's thousands of
  // servers would crowd that range, and take ports the usual way.
  const fixedRange = servers.length <= SMALL_FLEET;
  await Promise.all(servers.map((s) => s.start(fixedRange)));
  return {
    caPem: certificates.caPem,
    certificates,
    servers,
    server(name: string): FakeServer {
      const member = byName.get(name);
      if (member === undefined) throw new Error(`fake fleet has no server named "${name}"`);
      return member;
    },
    async close(): Promise<void> {
      await Promise.all(servers.map((s) => s.close()));
    },
  };
}
