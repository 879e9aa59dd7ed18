// "Send test": a `test` event delivered to one endpoint at once, in the caller's process (the
// console answers with the outcome), recorded as a delivery like any other and audited.
import type pg from "pg";
import { recordAudit } from "../audit/record-audit";
import type { Principal } from "../auth/principal";
import { withTransaction } from "../db/transaction";
import { deliveryHeaders, recordTry } from "./deliver";
import { urlOrigin } from "./endpoint-input";
import { getWebhook } from "./endpoints";
import { createEvent } from "./group-alerts";
import type { PayloadContext } from "./payload";
import { type PostOptions, type PostResult, postWebhook } from "./post-webhook";
import { open, webhookKey } from "./secret-box";

export async function testWebhook(
  pool: pg.Pool,
  actor: Principal,
  idOrUrl: string,
  o: { post: PostOptions; payload: PayloadContext; owner: string },
): Promise<PostResult & { deliveryId: string }> {
  const endpoint = await getWebhook(pool, actor, idOrUrl);
  const key = await webhookKey(pool);
  const now = Date.now();
  const created = await withTransaction(pool, async (tx) => {
    const e = await createEvent(tx, "test", [], now, o.payload, endpoint.id);
    const box = await tx.query<{ secret_box: string; delivery: string }>(
      `SELECT w.secret_box, d.id::text AS delivery FROM webhook_endpoints w
       JOIN webhook_deliveries d ON d.endpoint_id = w.id AND d.event_id = $2 WHERE w.id = $1`,
      [endpoint.id, e.eventId],
    );
    // Claimed by us: no scheduler takes it while we send it.
    await tx.query("UPDATE webhook_deliveries SET claimed_until = $2, claimed_by = $3 WHERE id = $1", [
      box.rows[0].delivery,
      now + o.post.timeoutMs * 2 + 30_000,
      o.owner,
    ]);
    return { ...e, secretBox: box.rows[0].secret_box, deliveryId: box.rows[0].delivery };
  });
  const secret = open(key, created.secretBox, endpoint.id);
  const headers = deliveryHeaders(secret, { id: created.deliveryId, kind: "test", body: created.body }, Date.now());
  const result = await postWebhook(endpoint.url, created.body, headers, o.post);
  const at = Date.now();
  await recordTry(
    pool,
    { id: created.deliveryId, endpointId: endpoint.id },
    result,
    at,
    o.owner,
    result.ok ? "delivered" : "failed",
    at,
  );
  await withTransaction(pool, (tx) =>
    recordAudit(tx, actor, {
      action: "webhook.test",
      detail: { id: endpoint.id, origin: urlOrigin(endpoint.url), status_code: result.statusCode, ok: result.ok },
    }),
  );
  return { ...result, deliveryId: created.deliveryId };
}
