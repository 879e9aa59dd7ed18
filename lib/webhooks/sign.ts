// The signature of a delivery (README "Alert webhooks"): HMAC-SHA256 with the endpoint's
// secret over `<timestamp>.<body>`, the timestamp (Unix seconds) sent as X-Fedconsole-Timestamp
// so a receiver can refuse replays of old deliveries. The scheme of Stripe's and Slack's
// signed requests, so receivers' existing verification code fits.
import crypto from "node:crypto";

export const SIGNATURE_HEADER = "X-Fedconsole-Signature";
export const TIMESTAMP_HEADER = "X-Fedconsole-Timestamp";
export const EVENT_HEADER = "X-Fedconsole-Event";
export const DELIVERY_HEADER = "X-Fedconsole-Delivery";

export function signature(secret: string, timestamp: number, body: string): string {
  return `sha256=${crypto.createHmac("sha256", secret).update(`${timestamp}.${body}`, "utf8").digest("hex")}`;
}

/** What a receiver does (and the README shows): recompute, compare in constant time, bound the age. */
export function verifySignature(
  secret: string,
  headers: { signature?: string | null; timestamp?: string | null },
  body: string,
  nowSec = Math.floor(Date.now() / 1000),
  toleranceSec = 300,
): boolean {
  const ts = Number(headers.timestamp);
  if (!Number.isInteger(ts) || Math.abs(nowSec - ts) > toleranceSec || !headers.signature) return false;
  const want = Buffer.from(signature(secret, ts, body));
  const got = Buffer.from(headers.signature);
  return want.length === got.length && crypto.timingSafeEqual(want, got);
}
