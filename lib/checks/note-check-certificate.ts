// A check's certificates feed the alerting like an attempt's do: the soonest leaf expiry of a
// destination's addresses, when within FEDCONSOLE_ALERT_CERT_WARNING, queues one
// `cert_expiring` alert per certificate (lib/webhooks/note-attempt.ts keeps it to one).
import type pg from "pg";
import { withTransaction } from "../db/transaction";
import { noteCertificate } from "../webhooks/note-attempt";
import type { CheckReport } from "./report-model";

/** The soonest notAfter (ms) among the leaf certificates the check saw; null = none. */
export function soonestLeafExpiry(report: Pick<CheckReport, "addresses">): number | null {
  let soonest: number | null = null;
  for (const a of report.addresses) {
    const leaf = a.tls?.certificates[0];
    const t = leaf ? Date.parse(leaf.notAfter) : Number.NaN;
    if (Number.isFinite(t) && (soonest === null || t < soonest)) soonest = t;
  }
  return soonest;
}

export async function noteCheckedCertificate(
  pool: pg.Pool,
  destination: string,
  report: Pick<CheckReport, "addresses">,
  certWarningMs: number,
  nowMs = Date.now(),
): Promise<void> {
  const notAfter = soonestLeafExpiry(report);
  if (notAfter === null || notAfter - nowMs > certWarningMs) return;
  await withTransaction(pool, (tx) => noteCertificate(tx, destination, notAfter, nowMs, { certWarningMs }));
}
