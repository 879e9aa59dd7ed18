// What an API route handler reads of a request. Two makers: fromFetchRequest for Next's route
// handlers (a standard Request), fromNodeRequest for scripts/start.ts, which answers the API
// straight from node:http — building a standard Request there (Headers, URL, body) cost ~20 µs
// of a request's ~0.3 ms of CPU for nothing the handlers need (bench/run.ts throughput).
import type { IncomingMessage } from "node:http";

/** A request header by its name (any case); a repeated header joined with ", " as Headers.get does. */
export type HeaderReader = { get(name: string): string | null };

export type ApiRequest = {
  /** Upper case. */
  method: string;
  /** Absolute: scheme, host (the Host header) and the request target. */
  url: string;
  /** Still percent-encoded, dot segments resolved (as URL.pathname). */
  pathname: string;
  query: URLSearchParams;
  headers: HeaderReader;
  /** The body as UTF-8 text (a BOM dropped, as Request.text() does). */
  text(): Promise<string>;
};

export function fromFetchRequest(req: Request): ApiRequest {
  const u = new URL(req.url);
  return {
    method: req.method.toUpperCase(),
    url: req.url,
    pathname: u.pathname,
    query: u.searchParams,
    headers: req.headers,
    text: () => req.text(),
  };
}

/** Bodies larger than this are cut (the API takes small JSON objects; never buffer a large one). */
export const MAX_BODY = 1024 * 1024;

// A target that URL parsing would change (dot segments, backslashes, a fragment, anything
// outside printable ASCII) takes the URL parser; every other one is split as it is.
const NEEDS_URL_PARSER = /[^\x21-\x7e]|\\|#|\/\.|%2e/i;

/** A node:http request as an ApiRequest; its body (not for GET or HEAD) is read first. */
export async function fromNodeRequest(req: IncomingMessage): Promise<ApiRequest> {
  const target = req.url ?? "/";
  const url = `http://${req.headers.host ?? "localhost"}${target}`;
  let pathname: string;
  let query: URLSearchParams;
  if (NEEDS_URL_PARSER.test(target) || !target.startsWith("/")) {
    const u = new URL(url);
    pathname = u.pathname;
    query = u.searchParams;
  } else {
    const q = target.indexOf("?");
    pathname = q === -1 ? target : target.slice(0, q);
    query = new URLSearchParams(q === -1 ? "" : target.slice(q + 1));
  }
  const method = (req.method ?? "GET").toUpperCase();
  let body = "";
  if (method !== "GET" && method !== "HEAD") {
    const chunks: Buffer[] = [];
    let size = 0;
    for await (const c of req as AsyncIterable<Buffer>) {
      size += c.length;
      if (size <= MAX_BODY) chunks.push(c);
    }
    body = new TextDecoder().decode(Buffer.concat(chunks));
  } else {
    req.resume();
  }
  const h = req.headers;
  const headers: HeaderReader = {
    get(name) {
      const v = h[name.toLowerCase()];
      if (v === undefined) return null;
      return Array.isArray(v) ? v.join(", ") : v;
    },
  };
  return { method, url, pathname, query, headers, text: async () => body };
}
