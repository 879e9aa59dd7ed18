// Failing destinations grouped by why, in the words operators use: the reason codes the
// scheduler stores (destinations.last_error_kind, lib/federation/federation-types.ts) mapped to
// a few categories. Destinations failing with no reason of ours (mirror mode: the homeserver
// backs off from a server we have not probed) fall under "unknown"; those our prober reached
// under "reachable".

export const FAILURE_CATEGORIES = [
  "dns",
  "refused",
  "tls",
  "timeout",
  "http_5xx",
  "http_401_429",
  "blocked",
  "other",
  "reachable",
  "unknown",
] as const;
export type FailureCategory = (typeof FAILURE_CATEGORIES)[number];

export const FAILURE_CATEGORY_LABELS: Record<FailureCategory, string> = {
  dns: "DNS",
  refused: "Connection refused or reset",
  tls: "TLS / certificate",
  timeout: "Timeout",
  http_5xx: "Server error (5xx)",
  http_401_429: "Refused us (401) or rate-limited (429)",
  blocked: "Blocked IP range",
  other: "Other (bad answer, invalid name)",
  reachable: "Reachable by us, still backing off",
  unknown: "No attempt of ours yet",
};

/** The snapshot's code for a failing destination whose latest attempt of ours succeeded (mirror mode). */
export const REACHABLE_KIND = "REACHABLE";

export function failureCategory(kind: string | null): FailureCategory {
  if (kind === null || kind === "") return "unknown";
  if (kind === REACHABLE_KIND) return "reachable";
  if (kind === "IP_BLOCKED") return "blocked";
  if (kind.startsWith("DNS_") || kind.startsWith("SRV_")) return kind === "DNS_TIMEOUT" ? "timeout" : "dns";
  if (kind === "CONNECT_TIMEOUT" || kind === "RESPONSE_TIMEOUT" || kind === "TIMEOUT") return "timeout";
  if (kind.startsWith("CONNECT_") || kind === "NETWORK_UNREACHABLE") return "refused";
  if (kind.startsWith("CERT_") || kind === "TLS_HANDSHAKE") return "tls";
  if (kind === "HTTP_5XX") return "http_5xx";
  if (kind === "HTTP_401" || kind === "HTTP_429") return "http_401_429";
  return "other";
}

/** Counts by stored reason code ("" = none) → counts by category, largest first, zeros dropped. */
export function countByCategory(kinds: Record<string, number>): { category: FailureCategory; count: number }[] {
  const sums = new Map<FailureCategory, number>();
  for (const [kind, n] of Object.entries(kinds)) {
    const c = failureCategory(kind);
    sums.set(c, (sums.get(c) ?? 0) + n);
  }
  return [...sums.entries()]
    .filter(([, n]) => n > 0)
    .map(([category, count]) => ({ category, count }))
    .sort(
      (a, b) => b.count - a.count || FAILURE_CATEGORIES.indexOf(a.category) - FAILURE_CATEGORIES.indexOf(b.category),
    );
}
