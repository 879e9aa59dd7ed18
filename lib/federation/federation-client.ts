// One HTTPS GET to one pre-resolved target. We open the TLS socket ourselves so Node never
// re-resolves the name (the IP guard already approved this exact address), SNI and the
// certificate check use the expected Matrix name (never an SRV target), and the stage a
// failure happened in (connect / tls / http) is known precisely. Redirects are returned,
// not followed. One AbortSignal bounds connect + TLS + headers + body.
import http, { type IncomingHttpHeaders } from "node:http";
import tls from "node:tls";
import { formatHostPort } from "./server-name";
import { FederationRequestError, isDeadline, type Failure, type FailureReason, type Target } from "./federation-types";
import { UNTRUSTED_CERT_CODES } from "./tls-error-codes";
import { secureContext } from "./secure-context";

export { FederationRequestError };

export const USER_AGENT = "FederationConsole/0.1";
export const VERSION_MAX_BYTES = 1024 * 1024;

export type FederationGetOptions = {
  target: Target;
  path: string;
  maxBodyBytes: number;
  signal: AbortSignal;
  /** Extra CA certificate(s), PEM, trusted in addition to Node's root store. */
  ca?: string;
  /** Which statuses have their body read; default 2xx (other bodies are not needed). */
  readBody?: (status: number) => boolean;
};

export type FederationResponse = {
  status: number;
  headers: IncomingHttpHeaders;
  /** Media type, lower case, parameters dropped; null when absent. */
  contentType: string | null;
  /** null when not read or when reading failed (see bodyFailure). */
  body: Buffer | null;
  bodyFailure: Failure | null;
  /** notAfter (ms) of the certificate the server presented (alerts on expiring certificates). */
  certNotAfterMs?: number | null;
};

type SocketStage = "connect" | "tls" | "http";

function failure(stage: SocketStage, reason: FailureReason, message: string): Failure {
  return { stage, reason, message };
}

/** Maps a Node socket/TLS/HTTP error to a stage, reason and plain-words message. */
export function classifyRequestError(error: unknown, stage: SocketStage, target: Target): Failure {
  const where = formatHostPort(target.address, target.port);
  const expected = target.tlsName ?? target.address;
  const code = error instanceof Error && "code" in error && typeof error.code === "string" ? error.code : "";
  const text = error instanceof Error ? error.message : String(error);
  if (code === "ECONNREFUSED") return failure("connect", "CONNECT_REFUSED", `connection refused by ${where}`);
  if (code === "ENETUNREACH" || code === "EHOSTUNREACH" || code === "EADDRNOTAVAIL") {
    return failure("connect", "NETWORK_UNREACHABLE", `network unreachable: cannot reach ${where} (${code})`);
  }
  if (code === "ETIMEDOUT") {
    return stage === "connect"
      ? failure("connect", "CONNECT_TIMEOUT", `connecting to ${where} timed out`)
      : failure(stage, "RESPONSE_TIMEOUT", `${where} stopped responding (${code})`);
  }
  if (code === "ECONNRESET" || code === "EPIPE") {
    const when =
      stage === "http"
        ? "before sending a response"
        : stage === "tls"
          ? "during the TLS handshake"
          : "while connecting";
    return failure(stage, "CONNECT_RESET", `connection closed by ${where} ${when}`);
  }
  if (code === "CERT_HAS_EXPIRED") return failure("tls", "CERT_EXPIRED", `certificate has expired (${where})`);
  if (code === "CERT_NOT_YET_VALID") return failure("tls", "CERT_EXPIRED", `certificate is not yet valid (${where})`);
  if (code === "ERR_TLS_CERT_ALTNAME_INVALID") {
    return failure("tls", "CERT_NAME_MISMATCH", `certificate of ${where} is not valid for ${expected}`);
  }
  if (UNTRUSTED_CERT_CODES.has(code)) {
    return failure("tls", "CERT_UNTRUSTED", `certificate of ${where} is not trusted: ${text}`);
  }
  if (stage === "tls" || code.startsWith("ERR_SSL") || code === "EPROTO") {
    return failure("tls", "TLS_HANDSHAKE", `TLS handshake with ${where} failed: ${text}`);
  }
  if (code.startsWith("HPE_"))
    return failure("http", "INVALID_RESPONSE", `invalid HTTP response from ${where}: ${text}`);
  if (stage === "connect") return failure("connect", "CONNECT_ERROR", `cannot connect to ${where}: ${text}`);
  return failure(stage, "CONNECT_RESET", `connection to ${where} failed: ${text}`);
}

function abortFailure(signal: AbortSignal, stage: SocketStage, target: Target, bodyPhase: boolean): Failure {
  const where = formatHostPort(target.address, target.port);
  if (!isDeadline(signal)) return failure(stage, "CANCELLED", "attempt cancelled");
  if (bodyPhase) return failure("http", "RESPONSE_TIMEOUT", `timed out reading the response body from ${where}`);
  const doing =
    stage === "connect"
      ? `connecting to ${where}`
      : stage === "tls"
        ? `in the TLS handshake with ${where}`
        : `waiting for a response from ${where}`;
  return failure(stage, "TIMEOUT", `timed out ${doing}`);
}

function mediaType(header: string | undefined): string | null {
  if (header === undefined) return null;
  return header.split(";")[0].trim().toLowerCase();
}

/** GET `path` from `target`. Rejects with FederationRequestError before headers; resolves after. */
export function federationGet(options: FederationGetOptions): Promise<FederationResponse> {
  const { target, signal } = options;
  const readBody = options.readBody ?? ((status: number) => status >= 200 && status < 300);
  return new Promise((resolve, reject) => {
    let stage: SocketStage = "connect";
    let settled = false;
    let headersSeen = false;
    let finishBody: ((bodyFailure: Failure) => void) | null = null;

    if (signal.aborted) {
      reject(new FederationRequestError(abortFailure(signal, stage, target, false)));
      return;
    }

    const socket = tls.connect({
      host: target.address,
      port: target.port,
      // Omitted for IP literals: no SNI (RFC 6066 forbids IPs there), verify against the IP.
      servername: target.tlsName ?? undefined,
      secureContext: secureContext(options.ca),
      ALPNProtocols: ["http/1.1"],
      checkServerIdentity: (_hostname, cert) => tls.checkServerIdentity(target.tlsName ?? target.address, cert),
    });
    socket.once("connect", () => {
      stage = "tls";
    });
    let certNotAfterMs: number | null = null;
    socket.once("secureConnect", () => {
      stage = "http";
      // The X509Certificate view reads one field; getPeerCertificate() would build the whole
      // certificate as an object again, fingerprints and all (Node already did so once for
      // checkServerIdentity): ~0.13 ms of CPU per attempt, measured in bench:scheduler.
      const notAfter = Date.parse(socket.getPeerX509Certificate()?.validTo ?? "");
      certNotAfterMs = Number.isFinite(notAfter) ? notAfter : null;
    });
    // Errors reach us through the request; this only keeps late ones from being unhandled.
    socket.on("error", () => {});

    const request = http.request({
      createConnection: () => socket,
      method: "GET",
      path: options.path,
      setHost: false,
      headers: {
        Host: target.hostHeader,
        Accept: "application/json",
        "User-Agent": USER_AGENT,
        Connection: "close",
      },
    });

    const settle = (): boolean => {
      if (settled) return false;
      settled = true;
      signal.removeEventListener("abort", onAbort);
      request.destroy();
      socket.destroy();
      return true;
    };
    const fail = (f: Failure): void => {
      if (settle()) reject(new FederationRequestError(f));
    };
    function onAbort(): void {
      if (headersSeen && finishBody !== null) finishBody(abortFailure(signal, stage, target, true));
      else fail(abortFailure(signal, stage, target, false));
    }
    signal.addEventListener("abort", onAbort, { once: true });

    request.on("error", (error) => fail(classifyRequestError(error, stage, target)));
    request.on("response", (response) => {
      headersSeen = true;
      const status = response.statusCode ?? 0;
      const base = {
        status,
        headers: response.headers,
        contentType: mediaType(response.headers["content-type"]),
        certNotAfterMs,
      };
      const finish = (body: Buffer | null, bodyFailure: Failure | null): void => {
        if (settle()) resolve({ ...base, body, bodyFailure });
      };
      finishBody = (f) => finish(null, f);
      response.on("error", () => {});
      if (!readBody(status)) return finish(null, null);

      const where = formatHostPort(target.address, target.port);
      const tooLarge = failure(
        "http",
        "RESPONSE_TOO_LARGE",
        `response from ${where} is larger than ${options.maxBodyBytes} bytes`,
      );
      const declared = Number(response.headers["content-length"]);
      if (Number.isFinite(declared) && declared > options.maxBodyBytes) return finish(null, tooLarge);
      const chunks: Buffer[] = [];
      let size = 0;
      response.on("data", (chunk: Buffer) => {
        size += chunk.length;
        if (size > options.maxBodyBytes) finish(null, tooLarge);
        else chunks.push(chunk);
      });
      response.on("end", () => finish(Buffer.concat(chunks), null));
      response.on("close", () => {
        if (!response.complete) {
          finish(
            null,
            failure("http", "CONNECT_RESET", `connection to ${where} closed before the response body was complete`),
          );
        }
      });
    });
    request.end();
  });
}

export type JsonBody = { ok: true; value: unknown } | { ok: false; failure: Failure };

/**
 * Decodes a read body as JSON. Federation API responses must say application/json
 * (Synapse rejects anything else); .well-known is JSON whatever its Content-Type.
 */
export function parseJsonBody(response: FederationResponse, requireJsonContentType: boolean): JsonBody {
  if (response.bodyFailure !== null) return { ok: false, failure: response.bodyFailure };
  if (requireJsonContentType && response.contentType !== "application/json") {
    const got = response.contentType === null ? "none" : `"${response.contentType}"`;
    return {
      ok: false,
      failure: {
        stage: "http",
        reason: "BAD_CONTENT_TYPE",
        message: `expected Content-Type application/json, got ${got}`,
      },
    };
  }
  try {
    const text = new TextDecoder("utf-8", { fatal: true }).decode(response.body ?? Buffer.alloc(0));
    return { ok: true, value: JSON.parse(text) as unknown };
  } catch (error) {
    const detail = error instanceof Error ? error.message : String(error);
    return {
      ok: false,
      failure: { stage: "http", reason: "INVALID_JSON", message: `response is not valid JSON: ${detail}` },
    };
  }
}

export type TargetsResult =
  | { ok: true; response: FederationResponse; target: Target }
  | { ok: false; failure: Failure; target: Target };

/**
 * Tries the targets in order (Synapse: each address of each SRV target in turn). Only
 * connect-stage failures move on to the next target; a TLS or HTTP failure, or the
 * deadline, is final. If every target fails to connect, the first error is reported
 * (as Synapse raises it), and `target` is the last one tried.
 */
export async function getFromTargets(
  targets: Target[],
  options: Omit<FederationGetOptions, "target">,
): Promise<TargetsResult> {
  if (targets.length === 0) throw new Error("getFromTargets needs at least one target");
  let first: Failure | null = null;
  let failed = 0;
  for (const target of targets) {
    try {
      return { ok: true, response: await federationGet({ ...options, target }), target };
    } catch (error) {
      if (!(error instanceof FederationRequestError)) throw error;
      const final = error.failure.stage !== "connect" || options.signal.aborted;
      if (final || target === targets[targets.length - 1]) {
        const reported = final || first === null ? error.failure : first;
        // Either way, `failed` other targets could not be connected to.
        const suffix = failed > 0 ? `; ${failed} other address${failed > 1 ? "es" : ""} also failed` : "";
        return { ok: false, failure: { ...reported, message: reported.message + suffix }, target };
      }
      first ??= error.failure;
      failed += 1;
    }
  }
  throw new Error("unreachable");
}
