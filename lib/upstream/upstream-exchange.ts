// One HTTP(S) exchange of the upstream client (upstream-client.ts): a request and its whole
// answer, size-capped, cancellable through a signal. Errors are raw here; the client words them.
import type http from "node:http";
import type https from "node:https";

export type RawResponse = { status: number; headers: http.IncomingHttpHeaders; body: Buffer };
export class TooLarge extends Error {}
export class Truncated extends Error {}
/** A reset on a reused kept-alive connection before any answer (safe to send a GET again). */
export class StaleSocket extends Error {
  constructor(override readonly cause: unknown) {
    super("stale kept-alive connection");
  }
}

/**
 * One request and its whole answer (at most `maxBytes`). Rejects with the socket's error,
 * TooLarge, Truncated or StaleSocket; when `stop` aborts, destroys the request (without an
 * error, so nothing goes unhandled) and rejects.
 */
export function exchange(
  transport: typeof http | typeof https,
  options: https.RequestOptions,
  body: string | undefined,
  maxBytes: number,
  stop: AbortSignal,
): Promise<RawResponse> {
  return new Promise((resolve, reject) => {
    let req: http.ClientRequest | undefined;
    let settled = false;
    const settle = (error: unknown, value?: RawResponse) => {
      if (settled) return;
      settled = true;
      stop.removeEventListener("abort", onStop);
      if (error !== null) {
        req?.destroy();
        reject(error);
      } else resolve(value!);
    };
    const onStop = () => settle(new Error("stopped"));
    if (stop.aborted) return onStop();
    stop.addEventListener("abort", onStop, { once: true });
    try {
      req = transport.request(options);
    } catch (e) {
      return settle(e);
    }
    let answered = false;
    req.on("error", (e: NodeJS.ErrnoException) => {
      const stale = !answered && req!.reusedSocket && (e.code === "ECONNRESET" || e.code === "EPIPE");
      settle(stale && options.method === "GET" ? new StaleSocket(e) : e);
    });
    req.on("response", (res) => {
      answered = true;
      res.on("error", () => {});
      const declared = Number(res.headers["content-length"]);
      if (Number.isFinite(declared) && declared > maxBytes) return settle(new TooLarge());
      const chunks: Buffer[] = [];
      let size = 0;
      res.on("data", (chunk: Buffer) => {
        size += chunk.length;
        if (size > maxBytes) settle(new TooLarge());
        else chunks.push(chunk);
      });
      res.on("end", () =>
        settle(null, { status: res.statusCode ?? 0, headers: res.headers, body: Buffer.concat(chunks) }),
      );
      res.on("close", () => {
        if (!res.complete) settle(new Truncated());
      });
    });
    req.end(body);
  });
}
