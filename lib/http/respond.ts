// Response helpers: every API answer is JSON with Synapse's admin headers and CORS.
import { toJson, type JsonValue } from "./json";
import { toMatrixError } from "./matrix-errors";

export const API_HEADERS: Record<string, string> = {
  "Content-Type": "application/json",
  "Cache-Control": "no-cache, no-store, must-revalidate",
  "Access-Control-Allow-Origin": "*",
  "Access-Control-Allow-Methods": "GET, HEAD, POST, PUT, DELETE, OPTIONS",
  "Access-Control-Allow-Headers": "X-Requested-With, Content-Type, Authorization, Date, Accept",
};

// The text of answers made here, so the node adapter can write it as it is instead of reading
// the Response's body stream back (~17 µs of a request's CPU, measured with --cpu-prof under
// load). The body stays a real one for Next's route handlers, which read it themselves.
const TEXT = new WeakMap<Response, string>();

export function jsonResponse(status: number, body: JsonValue): Response {
  const text = toJson(body);
  const r = new Response(text, { status, headers: API_HEADERS });
  TEXT.set(r, text);
  return r;
}

/** The body of a jsonResponse() as text, or undefined for any other Response. */
export const textOf = (r: Response): string | undefined => TEXT.get(r);

// Answers whose body is written as it is produced (large pages, streamed-page.ts): the node
// adapter pipes them with backpressure instead of reading them whole. Marked here rather than
// guessed from the body (every Response body is a stream), so small answers keep their
// Content-Length and fast path.
const STREAMED = new WeakSet<Response>();

export function streamedResponse(
  status: number,
  body: ReadableStream<Uint8Array>,
  headers: Record<string, string> = API_HEADERS,
): Response {
  const r = new Response(body, { status, headers });
  STREAMED.add(r);
  return r;
}

export const isStreamedResponse = (r: Response) => STREAMED.has(r);

export function errorResponse(e: unknown): Response {
  const { status, body } = toMatrixError(e);
  return jsonResponse(status, body as JsonValue);
}

export function preflightResponse(): Response {
  return new Response(null, { status: 204, headers: API_HEADERS });
}
