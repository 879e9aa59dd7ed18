// The destinations export as an HTTP answer, for the console's download (app/export/…) and the
// API (GET /_fedconsole/v1/export/destinations) alike: one slot of the large answers' bounds
// (large-answers.ts: it holds a pooled connection and a snapshot while the client reads), the
// text pulled batch by batch as the client takes it (backpressure: memory stays one batch),
// and a client that stops reading gives its snapshot back after STALLED_CLIENT_MS. Headers go
// out before the rows: a failure after that cuts the answer off (a truncated chunked body),
// never a complete-looking file with rows missing.
import type pg from "pg";
import type { Principal } from "../auth/principal";
import { type ExportQuery, openDestinationExport } from "../destinations/export-view";
import { CONTENT_TYPES } from "../destinations/export-format";
import { acquireLargeAnswer } from "./large-answers";
import { API_HEADERS, type ApiAnswer, streamedAnswer } from "./respond";
import { pulledBody } from "./pulled-body";

export async function exportAnswer(
  pool: pg.Pool,
  actor: Principal,
  q: ExportQuery,
  opts: { api: boolean },
): Promise<ApiAnswer> {
  const release = acquireLargeAnswer(actor);
  let exp: Awaited<ReturnType<typeof openDestinationExport>>;
  try {
    exp = await openDestinationExport(pool, actor, q);
  } catch (e) {
    release();
    throw e;
  }
  const body = pulledBody({
    next: () => exp.next(),
    close: async (error) => {
      await exp.close(error);
      release();
    },
  });
  const day = new Date().toISOString().slice(0, 10);
  const headers: Record<string, string> = {
    ...(opts.api ? API_HEADERS : { "Cache-Control": "no-store" }),
    "Content-Type": CONTENT_TYPES[q.format],
    "Content-Disposition": `attachment; filename="destinations-${day}.${q.format}"`,
    "X-Total-Count": exp.total.toString(),
    "X-Accel-Buffering": "no",
  };
  return streamedAnswer(200, body, headers);
}
