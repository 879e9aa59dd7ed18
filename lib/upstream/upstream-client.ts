// A small HTTP(S) client for the homeserver's admin API (mirror mode). Every request goes to
// the configured origin only, with `Authorization: Bearer <token>`; redirects are errors, never
// followed (the token must not travel anywhere else); each request has a deadline, an optional
// caller signal and a size cap; every address is checked by the upstream IP guard
// (upstream-guard.ts). Bodies are parsed with the exact JSON parser, so 64-bit integers keep
// their digits. The token is redacted from every message this module produces, including text
// the upstream sends back (a proxy may echo request headers).
import http from "node:http";
import https from "node:https";
import type { LookupFunction } from "node:net";
import tls from "node:tls";
import type { DnsFunctions } from "../federation/guarded-lookup";
import type { IpGuard } from "../federation/ip-guard";
import { type JsonValue, parseJsonExact } from "../destinations/exact-json";
import { UpstreamError } from "./types";
import { checkLiteral, guardedNetLookup, UpstreamBlockedError } from "./upstream-ip-guard";
import { describeTransportError, matrixErrorOf, type MatrixError } from "./upstream-errors";
import { exchange, type RawResponse, StaleSocket, TooLarge, Truncated } from "./upstream-exchange";

export const MAX_RESPONSE_BYTES = 64 * 1024 * 1024;
export const USER_AGENT = "FederationConsole/0.1 (mirror)";

export type UpstreamClientOptions = {
  /** Base URL without a trailing slash (settings().upstream.url), e.g. http://127.0.0.1:8008. */
  baseUrl: string;
  token: string;
  /** Deadline of one request: connect, headers and body. */
  timeoutMs: number;
  ipGuard: IpGuard;
  /** Extra CA certificates (PEM), trusted besides Node's roots (FEDERATION_CA_FILE). */
  ca?: string;
  maxResponseBytes?: number;
  /** Name resolution (tests); default the system resolver. */
  dns?: Pick<DnsFunctions, "lookup">;
};

/** A 2xx answer's parsed body (absent when empty); other statuses carry the upstream's Matrix error when it sent one. */
export type UpstreamResponse = { status: number; json?: JsonValue; matrix?: MatrixError };

export class UpstreamClient {
  /** host[:port] of the base URL, for labels and messages. */
  readonly host: string;
  private readonly url: URL;
  private readonly agent: http.Agent;
  private readonly freshAgent: http.Agent;
  private readonly lookup: ReturnType<typeof guardedNetLookup>;
  private readonly maxBytes: number;

  // Private fields: util.inspect and console.log of a client never print the token.
  readonly #token: string;
  readonly #timeoutMs: number;
  readonly #ipGuard: IpGuard;

  constructor(options: UpstreamClientOptions) {
    this.#token = options.token;
    this.#timeoutMs = options.timeoutMs;
    this.#ipGuard = options.ipGuard;
    this.url = new URL(options.baseUrl);
    if (this.url.protocol !== "http:" && this.url.protocol !== "https:") {
      throw new Error("the upstream URL must be http:// or https://");
    }
    this.host = this.url.host;
    this.maxBytes = options.maxResponseBytes ?? MAX_RESPONSE_BYTES;
    this.lookup = guardedNetLookup(options.ipGuard, options.dns);
    const ca = options.ca?.trim() ? [...tls.rootCertificates, options.ca] : undefined;
    const agent = (keepAlive: boolean) =>
      this.url.protocol === "https:" ? new https.Agent({ keepAlive, ca }) : new http.Agent({ keepAlive });
    this.agent = agent(true);
    this.freshAgent = agent(false);
  }

  /** The token replaced wherever it occurs (messages may quote what the upstream sent). */
  redact(text: string): string {
    const token = this.#token;
    return token.length > 0 ? text.split(token).join("[token]") : text;
  }

  get(path: string, signal: AbortSignal): Promise<UpstreamResponse> {
    return this.request("GET", path, undefined, signal);
  }

  post(path: string, body: string, signal: AbortSignal): Promise<UpstreamResponse> {
    return this.request("POST", path, body, signal);
  }

  /** The error for a non-2xx answer: unauthorized for 401/403, http otherwise (`matrix` kept). */
  statusError(method: string, path: string, res: UpstreamResponse): UpstreamError {
    const m = res.matrix;
    const said = m ? `: ${m.errcode} ${m.error}` : "";
    if (res.status === 401 || res.status === 403) {
      return new UpstreamError(
        this.redact(`${this.host} refused the access token (${res.status}${said})`),
        "unauthorized",
        res.status,
        m && { errcode: m.errcode, error: this.redact(m.error) },
      );
    }
    return new UpstreamError(
      this.redact(`${this.host} answered ${res.status} to ${method} ${pathOnly(path)}${said}`),
      "http",
      res.status,
      m && { errcode: m.errcode, error: this.redact(m.error) },
    );
  }

  async close(): Promise<void> {
    this.agent.destroy();
    this.freshAgent.destroy();
  }

  private async request(
    method: "GET" | "POST",
    path: string,
    body: string | undefined,
    signal: AbortSignal,
  ): Promise<UpstreamResponse> {
    const what = `${method} ${pathOnly(path)}`;
    const fail = (message: string, kind: UpstreamError["kind"], status?: number) =>
      new UpstreamError(this.redact(`${this.host}: ${message}`), kind, status);
    const hostname = this.url.hostname.replace(/^\[(.*)\]$/, "$1");
    try {
      checkLiteral(hostname, this.#ipGuard);
    } catch (e) {
      throw fail((e as Error).message, "unreachable");
    }
    // One deadline for the whole request (a retry included), and the caller's signal.
    const stop = new AbortController();
    const timer = setTimeout(() => stop.abort("deadline"), this.#timeoutMs);
    const onAbort = () => stop.abort("caller");
    signal.addEventListener("abort", onAbort, { once: true });
    if (signal.aborted) onAbort();
    const options: https.RequestOptions = {
      method,
      hostname,
      port: this.url.port || undefined,
      path: (this.url.pathname === "/" ? "" : this.url.pathname) + path,
      // A POST (a reset) gets a connection of its own: an idle kept-alive one that the server
      // closes just as it is reused would leave unknown whether the reset happened.
      agent: method === "GET" ? this.agent : this.freshAgent,
      lookup: this.lookup as unknown as LookupFunction,
      headers: {
        Authorization: `Bearer ${this.#token}`,
        Accept: "application/json",
        "User-Agent": USER_AGENT,
        ...(body === undefined
          ? {}
          : { "Content-Type": "application/json", "Content-Length": Buffer.byteLength(body) }),
      },
    };
    const transport = this.url.protocol === "https:" ? https : http;
    try {
      let raw: RawResponse;
      try {
        raw = await exchange(transport, options, body, this.maxBytes, stop.signal);
      } catch (e) {
        // The server closed a kept-alive connection just as it was reused: a GET may go again.
        if (!(e instanceof StaleSocket)) throw e;
        raw = await exchange(transport, options, body, this.maxBytes, stop.signal);
      }
      return this.interpret(what, raw, fail);
    } catch (e) {
      if (e instanceof UpstreamError) throw e;
      if (stop.signal.reason === "deadline") throw fail(`${what} timed out after ${this.#timeoutMs} ms`, "timeout");
      if (stop.signal.aborted) throw abortReason(signal, fail(`${what} timed out`, "timeout"));
      if (e instanceof TooLarge)
        throw fail(`the answer to ${what} is larger than ${this.maxBytes} bytes`, "bad_response");
      if (e instanceof UpstreamBlockedError) throw fail(e.message, "unreachable");
      if (e instanceof Truncated)
        throw fail(`the connection closed before the answer to ${what} was complete`, "unreachable");
      if (e instanceof StaleSocket) throw fail(`${what}: ${describeTransportError(e.cause, this.host)}`, "unreachable");
      throw fail(`${what}: ${describeTransportError(e, this.host)}`, "unreachable");
    } finally {
      clearTimeout(timer);
      signal.removeEventListener("abort", onAbort);
    }
  }

  /** Status and body → the response, or the error a redirect or a non-JSON success is. */
  private interpret(
    what: string,
    raw: RawResponse,
    fail: (m: string, k: UpstreamError["kind"], s?: number) => UpstreamError,
  ) {
    const { status } = raw;
    if (status >= 300 && status < 400) {
      const location = raw.headers.location;
      const to = location ? ` to ${location.slice(0, 200)}` : "";
      throw fail(
        `${what} answered ${status}, a redirect${to}: not followed (set FEDCONSOLE_UPSTREAM_URL to the homeserver's own address)`,
        "http",
        status,
      );
    }
    const text = decode(raw.body);
    if (status < 200 || status >= 300) return { status, matrix: matrixErrorOf(text) };
    // An empty success (a 204) has no body to parse; readers then refuse it as not a page.
    if (text === "") return { status };
    try {
      if (text === null) throw new Error("the body is not UTF-8");
      return { status, json: parseJsonExact(text) };
    } catch (e) {
      const type = raw.headers["content-type"] ?? "none";
      const detail = (e as Error).message.slice(0, 200);
      throw fail(`the answer to ${what} is not JSON (Content-Type ${type}): ${detail}`, "bad_response", status);
    }
  }
}

function decode(bytes: Buffer): string | null {
  try {
    return new TextDecoder("utf-8", { fatal: true }).decode(bytes);
  } catch {
    return null;
  }
}

/** The path without its query, for messages. */
function pathOnly(path: string): string {
  const q = path.indexOf("?");
  return q < 0 ? path : path.slice(0, q);
}

/**
 * What a caller's abort means: its own deadline (a TimeoutError reason, e.g. AbortSignal.timeout)
 * is an upstream timeout; anything else is a cancellation and rethrows the caller's reason.
 */
function abortReason(signal: AbortSignal, timeout: UpstreamError): Error {
  const reason: unknown = signal.reason;
  if (reason instanceof Error && reason.name === "TimeoutError") return timeout;
  return reason instanceof Error ? reason : new DOMException("The operation was aborted", "AbortError");
}
