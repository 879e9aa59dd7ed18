// One resolved address of a check, end to end over a single pinned connection: TCP connect
// time, the TLS handshake (protocol, cipher, chain, trust, name, expiry), then
// GET /_matrix/key/v2/server and GET /_matrix/federation/v1/version on the same keep-alive
// connection. Certificate verification is recorded rather than enforced, as the federation
// tester does, so a bad certificate still shows what the server would have answered; nothing
// is sent to an address the IP guard blocks, and redirects are never followed.
import http, { type IncomingHttpHeaders } from "node:http";
import tls from "node:tls";
import { classifyRequestError, USER_AGENT } from "../federation/federation-client";
import { formatHostPort } from "../federation/server-name";
import { daysUntil, peerChain, summarizeCertificate } from "./certificates";
import type { CheckTarget } from "./discover";
import type { AddressReport, HttpStep, KeysStep, TlsStep, VersionStep } from "./report-model";
import { checkServerKeys } from "./server-keys";
import { secureContext } from "../federation/secure-context";

export const KEY_PATH = "/_matrix/key/v2/server";
export const VERSION_PATH = "/_matrix/federation/v1/version";
export const KEYS_MAX_BYTES = 256 * 1024;
export const VERSION_MAX_BYTES = 64 * 1024;

export type ProbeOptions = {
  /** The name the check is for: the key response must be for it and signed by it. */
  serverName: string;
  signal: AbortSignal;
  ca?: string;
  now?: () => number;
};

type Got = { status: number; headers: IncomingHttpHeaders; body: Buffer | null; error: string | null; ms: number };

function abortMessage(signal: AbortSignal, doing: string): string {
  return signal.reason instanceof DOMException && signal.reason.name === "TimeoutError"
    ? `the check's deadline passed while ${doing}`
    : "the check was cancelled";
}

/** One GET on an open socket, body capped; never throws (errors come back in `error`). */
function get(socket: tls.TLSSocket, path: string, target: CheckTarget, cap: number, signal: AbortSignal): Promise<Got> {
  const started = performance.now();
  return new Promise((resolve) => {
    let done = false;
    const finish = (got: Omit<Got, "ms">): void => {
      if (done) return;
      done = true;
      signal.removeEventListener("abort", onAbort);
      resolve({ ...got, ms: Math.round(performance.now() - started) });
    };
    const request = http.request({
      createConnection: () => socket,
      method: "GET",
      path,
      setHost: false,
      headers: {
        Host: target.hostHeader,
        Accept: "application/json",
        "User-Agent": USER_AGENT,
        Connection: "keep-alive",
      },
    });
    function onAbort(): void {
      finish({ status: 0, headers: {}, body: null, error: abortMessage(signal, `waiting for ${path}`) });
      request.destroy();
    }
    signal.addEventListener("abort", onAbort, { once: true });
    request.on("error", (error) =>
      finish({ status: 0, headers: {}, body: null, error: classifyRequestError(error, "http", target).message }),
    );
    request.on("response", (response) => {
      const status = response.statusCode ?? 0;
      const chunks: Buffer[] = [];
      let size = 0;
      response.on("data", (chunk: Buffer) => {
        size += chunk.length;
        if (size > cap) {
          finish({ status, headers: response.headers, body: null, error: `the response is larger than ${cap} bytes` });
          socket.destroy();
        } else chunks.push(chunk);
      });
      response.on("end", () => finish({ status, headers: response.headers, body: Buffer.concat(chunks), error: null }));
      response.on("error", () => {});
      response.on("close", () => {
        if (!response.complete)
          finish({ status, headers: response.headers, body: null, error: "the connection closed mid-response" });
      });
    });
    request.end();
  });
}

function jsonOf(got: Got, where: string): { value: unknown; error: string | null } {
  if (got.error !== null) return { value: null, error: got.error };
  if (got.status >= 300 && got.status < 400) {
    return {
      value: null,
      error: `${where} answered HTTP ${got.status} (redirects are not followed on federation requests)`,
    };
  }
  if (got.status !== 200) return { value: null, error: `${where} answered HTTP ${got.status}` };
  const type = (got.headers["content-type"] ?? "").split(";")[0].trim().toLowerCase();
  if (type !== "application/json")
    return { value: null, error: `${where} answered Content-Type ${type || "none"}, not application/json` };
  try {
    return {
      value: JSON.parse(new TextDecoder("utf-8", { fatal: true }).decode(got.body ?? Buffer.alloc(0))),
      error: null,
    };
  } catch (e) {
    return { value: null, error: `${where} answered invalid JSON: ${e instanceof Error ? e.message : String(e)}` };
  }
}

function httpStep(got: Got, error: string | null): HttpStep {
  return {
    status: error === null ? "pass" : "fail",
    verdict: error ?? "answered",
    ms: got.ms,
    httpStatus: got.status || null,
    error,
  };
}

function stringAt(value: unknown, a: string, b: string): string | null {
  const inner = typeof value === "object" && value !== null ? (value as Record<string, unknown>)[a] : null;
  const v = typeof inner === "object" && inner !== null ? (inner as Record<string, unknown>)[b] : null;
  return typeof v === "string" ? v : null;
}

function tlsStep(socket: tls.TLSSocket, target: CheckTarget, ms: number, now: number): TlsStep {
  const expectedName = target.tlsName ?? target.address;
  const peer = socket.getPeerCertificate(true);
  const chain = peer.raw === undefined ? [] : peerChain(peer);
  const certificates = chain.map(summarizeCertificate);
  const nameError = peer.raw === undefined ? new Error("no certificate") : tls.checkServerIdentity(expectedName, peer);
  const trustError = socket.authorizationError === null ? null : String(socket.authorizationError);
  const cipher = socket.getCipher();
  return {
    status: "pass",
    verdict: "",
    ms,
    protocol: socket.getProtocol(),
    cipher: cipher?.standardName ?? cipher?.name ?? null,
    certificates,
    trusted: trustError === null,
    trustError,
    validForName: nameError === undefined,
    expectedName,
    expiresInDays: certificates.length > 0 ? daysUntil(certificates[0].notAfter, now) : null,
    error: null,
  };
}

/** Probes one address. Never throws; a deadline shows up as the step it interrupted. */
export async function probeAddress(target: CheckTarget, opts: ProbeOptions): Promise<AddressReport> {
  const key = formatHostPort(target.address, target.port);
  const where = key;
  const report: AddressReport = {
    key,
    address: target.address,
    port: target.port,
    via: target.via,
    tlsName: target.tlsName,
    hostHeader: target.hostHeader,
    blocked: target.blocked,
    status: "fail",
    connect: { status: "skip", verdict: "", ms: null, error: null },
    tls: null,
    version: null,
    keys: null,
  };
  if (target.blocked) {
    report.connect = {
      status: "fail",
      verdict: `${target.address} is in the IP range blocklist: never connected to`,
      ms: null,
      error: "IP_BLOCKED",
    };
    return report;
  }
  const now = opts.now ?? Date.now;
  const started = performance.now();
  const socket = tls.connect({
    host: target.address,
    port: target.port,
    servername: target.tlsName ?? undefined,
    secureContext: secureContext(opts.ca),
    rejectUnauthorized: false,
    // The name is checked by tlsStep against the name a federation request expects; keep it
    // out of authorizationError, which then speaks of the chain only.
    checkServerIdentity: () => undefined,
    ALPNProtocols: ["http/1.1"],
  });
  socket.on("error", () => {});
  // Two requests in turn on one connection: without TCP_NODELAY the second waits out Nagle's
  // algorithm against the peer's delayed ACK (~40 ms on Linux).
  socket.setNoDelay(true);
  let connectedAt: number | null = null;
  try {
    const handshake = await new Promise<{ ok: true } | { ok: false; error: unknown }>((resolve) => {
      const onAbort = (): void =>
        resolve({
          ok: false,
          error: new Error(
            abortMessage(
              opts.signal,
              connectedAt === null ? `connecting to ${where}` : `in the TLS handshake with ${where}`,
            ),
          ),
        });
      if (opts.signal.aborted) return onAbort();
      opts.signal.addEventListener("abort", onAbort, { once: true });
      socket.once("connect", () => {
        connectedAt = performance.now();
      });
      socket.once("secureConnect", () => {
        opts.signal.removeEventListener("abort", onAbort);
        resolve({ ok: true });
      });
      socket.once("error", (error) => {
        opts.signal.removeEventListener("abort", onAbort);
        resolve({ ok: false, error });
      });
    });
    const connectMs = connectedAt === null ? null : Math.round(connectedAt - started);
    if (!handshake.ok) {
      const failure = classifyRequestError(handshake.error, connectedAt === null ? "connect" : "tls", {
        address: target.address,
        port: target.port,
        tlsName: target.tlsName,
        hostHeader: target.hostHeader,
      });
      const text = opts.signal.aborted && handshake.error instanceof Error ? handshake.error.message : failure.message;
      if (connectedAt === null) {
        report.connect = { status: "fail", verdict: text, ms: null, error: failure.reason };
        return report;
      }
      report.connect = { status: "pass", verdict: `connected in ${connectMs} ms`, ms: connectMs, error: null };
      report.tls = { ...emptyTls(target), status: "fail", verdict: text, error: text };
      return report;
    }
    report.connect = { status: "pass", verdict: `connected in ${connectMs} ms`, ms: connectMs, error: null };
    report.tls = tlsStep(socket, target, Math.round(performance.now() - (connectedAt ?? started)), now());

    const keysGot = await get(socket, KEY_PATH, target, KEYS_MAX_BYTES, opts.signal);
    const keysJson = jsonOf(keysGot, `${where}${KEY_PATH}`);
    const checks = keysJson.error === null ? checkServerKeys(keysJson.value, opts.serverName, now()) : null;
    const keys: KeysStep = { ...httpStep(keysGot, keysJson.error), checks, raw: keysJson.value };
    if (checks !== null && !checks.allChecksOk) {
      keys.status = "fail";
      keys.verdict = checks.problems[0];
    } else if (checks !== null)
      keys.verdict = `keys valid until ${new Date(checks.validUntilTs ?? 0).toISOString()}, signature verified`;
    report.keys = keys;

    const versionGot = socket.destroyed
      ? { status: 0, headers: {}, body: null, error: "the connection was closed by the server", ms: 0 }
      : await get(socket, VERSION_PATH, target, VERSION_MAX_BYTES, opts.signal);
    const versionJson = jsonOf(versionGot, `${where}${VERSION_PATH}`);
    const software = stringAt(versionJson.value, "server", "name");
    const version = stringAt(versionJson.value, "server", "version");
    const versionError =
      versionJson.error ??
      (software === null || version === null ? 'the answer lacks "server": {"name", "version"} strings' : null);
    const versionStep: VersionStep = { ...httpStep(versionGot, versionError), software, version };
    if (versionError === null) versionStep.verdict = `${software} ${version}`;
    report.version = versionStep;
    return report;
  } finally {
    socket.destroy();
  }
}

function emptyTls(target: CheckTarget): TlsStep {
  return {
    status: "fail",
    verdict: "",
    ms: null,
    protocol: null,
    cipher: null,
    certificates: [],
    trusted: false,
    trustError: null,
    validForName: false,
    expectedName: target.tlsName ?? target.address,
    expiresInDays: null,
    error: null,
  };
}
