// The list's "Export" download: the list's own filter (`q`, `status`, as in its URL) as CSV or
// JSON Lines, through the console session — the same lib/ function as the export API.
import { optionalPrincipal } from "@/app/_auth/session";
import { getDb } from "@/lib/db";
import { listFilterSchema } from "@/lib/destinations/console-list-query";
import { EXPORT_FORMATS, type ExportFormat } from "@/lib/destinations/export-format";
import { errorAnswer, toResponse } from "@/lib/http/respond";
import { exportAnswer } from "@/lib/http/export-response";

export const dynamic = "force-dynamic";

export async function GET(req: Request): Promise<Response> {
  const me = await optionalPrincipal();
  if (!me) return new Response("Sign in to export destinations.\n", { status: 401 });
  const p = new URL(req.url).searchParams;
  const filter = listFilterSchema.parse({ search: p.get("q") ?? "", status: p.get("status") });
  const f = p.get("format");
  const format: ExportFormat = (EXPORT_FORMATS as readonly string[]).includes(f ?? "") ? (f as ExportFormat) : "csv";
  try {
    const { pool } = await getDb();
    return toResponse(await exportAnswer(pool, me, { format, ...filter }, { api: false }));
  } catch (e) {
    return toResponse(errorAnswer(e));
  }
}
