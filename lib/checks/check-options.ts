// What a check needs from this process's settings: the resolver (FEDERATION_DNS_SERVERS), the
// IP guard and CA of attempts, the check's own deadline, history bound and rate.
import { dnsFor } from "../federation/dns-servers";
import { ipGuardFrom } from "../federation/ip-guard";
import type { Settings } from "../settings/settings";
import type { CheckOptions } from "./run-check";

export type CheckEnv = {
  options: CheckOptions;
  history: number;
  /**
   * Reports kept of names that are not destinations (checked from the Check page or fedctl,
   * or forgotten since), all such names together: the per-name history alone would let a table
   * of one-off names grow without end.
   */
  otherNamesKept?: number;
  perUserPerMinute: number;
  /** FEDCONSOLE_ALERT_CERT_WARNING: a checked certificate expiring sooner raises `cert_expiring`. */
  certWarningMs: number;
};

export function checkEnvFrom(s: Pick<Settings, "attempts" | "checks" | "webhooks">): CheckEnv {
  return {
    options: {
      dns: dnsFor(s.attempts.dnsServers),
      ipGuard: ipGuardFrom(s.attempts),
      timeoutMs: s.checks.timeoutMs,
      wellKnownPort: s.attempts.wellKnownPort,
      ca: s.attempts.ca,
    },
    history: s.checks.history,
    perUserPerMinute: s.checks.perUserPerMinute,
    certWarningMs: s.webhooks.certWarningMs,
  };
}
