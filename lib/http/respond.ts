// The API's answers: a status, headers and a body. Plain objects, not fetch Responses:
// scripts/start.ts writes them straight to node:http (building a Response around a 15 KB page
// and reading it back cost ~40 µs of a request's ~0.3 ms of CPU, bench/run.ts throughput), and
// Next's route handlers wrap them with toResponse(). Every API answer is JSON with Synapse's
// admin headers and CORS.
import { toJson, type JsonValue } from "./json";
import { toMatrixError } from "./matrix-errors";

export type ApiAnswer = {
  status: number;
  headers: Readonly<Record<string, string>>;
  /**
   * Text (written whole, with its Content-Length), a stream (written as it is produced, chunked
   * with backpressure: large pages, exports), or nothing.
   */
  body: string | ReadableStream<Uint8Array> | null;
};

export const API_HEADERS: Readonly<Record<string, string>> = {
  "Content-Type": "application/json",
  "Cache-Control": "no-cache, no-store, must-revalidate",
  "Access-Control-Allow-Origin": "*",
  "Access-Control-Allow-Methods": "GET, HEAD, POST, PUT, DELETE, OPTIONS",
  "Access-Control-Allow-Headers": "X-Requested-With, Content-Type, Authorization, Date",
};

export function jsonAnswer(status: number, body: JsonValue): ApiAnswer {
  return { status, headers: API_HEADERS, body: toJson(body) };
}

export function streamedAnswer(
  status: number,
  body: ReadableStream<Uint8Array>,
  headers: Readonly<Record<string, string>> = API_HEADERS,
): ApiAnswer {
  return { status, headers, body };
}

export function errorAnswer(e: unknown): ApiAnswer {
  const { status, body } = toMatrixError(e);
  return jsonAnswer(status, body as JsonValue);
}

export function preflightAnswer(): ApiAnswer {
  return { status: 204, headers: API_HEADERS, body: null };
}

/** The answer without its body, for HEAD: a stream is cancelled (a streamed page gives its snapshot back). */
export async function withoutBody(a: ApiAnswer): Promise<ApiAnswer> {
  if (a.body !== null && typeof a.body !== "string") await a.body.cancel();
  return { ...a, body: null };
}

/** For Next's route handlers. */
export function toResponse(a: ApiAnswer): Response {
  return new Response(a.body, { status: a.status, headers: a.headers });
}
