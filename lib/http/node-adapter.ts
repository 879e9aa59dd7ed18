// Writes API answers (respond.ts) to node:http: scripts/start.ts answers the API this way,
// without Next's per-request overhead (~0.8 ms CPU a request) and without standard
// Request/Response objects (api-request.ts).
import type { IncomingMessage, ServerResponse } from "node:http";
import { Readable } from "node:stream";
import { pipeline } from "node:stream/promises";
import type { ReadableStream as NodeReadableStream } from "node:stream/web";
import { type ApiRequest, fromNodeRequest } from "./api-request";
import type { ApiAnswer } from "./respond";

export type ApiHandler = (req: ApiRequest) => Promise<ApiAnswer>;

export async function serveApi(handler: ApiHandler, req: IncomingMessage, res: ServerResponse): Promise<void> {
  const answer = await handler(await fromNodeRequest(req));
  res.statusCode = answer.status;
  for (const k in answer.headers) res.setHeader(k, answer.headers[k]);
  const body = answer.body;
  if (body === null || req.method === "HEAD") {
    if (body !== null && typeof body !== "string") await body.cancel();
    res.end();
    return;
  }
  if (typeof body === "string") {
    res.setHeader("Content-Length", Buffer.byteLength(body));
    res.end(body);
    return;
  }
  // Chunked, with backpressure; a client that goes away cancels the body (its cursor and
  // snapshot are closed), and an error mid-way cuts the connection (a truncated answer).
  await pipeline(Readable.fromWeb(body as NodeReadableStream<Uint8Array>, { highWaterMark: 1 }), res).catch(() => {
    res.destroy();
  });
}
