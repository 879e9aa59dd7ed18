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

export function jsonResponse(status: number, body: JsonValue): Response {
  return new Response(toJson(body), { status, headers: API_HEADERS });
}

export function errorResponse(e: unknown): Response {
  const { status, body } = toMatrixError(e);
  return jsonResponse(status, body as JsonValue);
}

export function preflightResponse(): Response {
  return new Response(null, { status: 204, headers: API_HEADERS });
}
