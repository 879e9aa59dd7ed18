import { getDb } from "./db";
import { jsonResponse } from "./http/respond";

/** GET /health: 200 when this process and its database answer, 503 otherwise. */
export async function healthResponse(): Promise<Response> {
  try {
    const { pool } = await getDb();
    await pool.query("SELECT 1");
    return jsonResponse(200, { status: "ok" });
  } catch {
    return jsonResponse(503, { status: "unavailable", error: "The database does not answer." });
  }
}
