// The shape of an endpoint as the console, the API and fedctl give it, checked once here.
import net from "node:net";
import { AppError } from "../errors";
import type { IpGuard } from "../federation/ip-guard";
import { type AlertEvent, parseEvents } from "./events";

export type EndpointInput = {
  url?: string;
  /** Empty or absent on create: one is generated and shown once. */
  secret?: string;
  events?: string | readonly string[];
  enabled?: boolean;
  description?: string;
};

export type CleanEndpoint = {
  url?: string;
  secret?: string;
  events?: AlertEvent[];
  enabled?: boolean;
  description?: string;
};

/** http(s), at most 2,000 characters; an IP literal in a blocked range is refused at once (names are checked at delivery). */
export function checkUrl(raw: string, guard: IpGuard): string {
  const url = raw.trim();
  if (url.length === 0) throw new AppError("invalid_param", "A webhook URL is needed.");
  if (url.length > 2_000) throw new AppError("invalid_param", "Webhook URLs are at most 2,000 characters.");
  let u: URL;
  try {
    u = new URL(url);
  } catch {
    throw new AppError("invalid_param", "The webhook URL is not a valid URL (e.g. https://hooks.example.org/x).");
  }
  if (u.protocol !== "http:" && u.protocol !== "https:") {
    throw new AppError("invalid_param", "Webhook URLs must start with https:// or http://.");
  }
  const host = u.hostname.replace(/^\[(.*)\]$/, "$1");
  if (net.isIP(host) !== 0 && guard.isBlocked(host)) {
    throw new AppError(
      "invalid_param",
      `${host} is in a blocked IP range (FEDERATION_IP_RANGE_BLOCKLIST); open it with FEDCONSOLE_WEBHOOK_IP_RANGE_ALLOWLIST.`,
    );
  }
  return url;
}

export function cleanEndpoint(input: EndpointInput, guard: IpGuard): CleanEndpoint {
  const out: CleanEndpoint = {};
  if (input.url !== undefined) out.url = checkUrl(input.url, guard);
  if (input.secret !== undefined && input.secret !== "") {
    if (input.secret.length < 16 || input.secret.length > 200) {
      throw new AppError(
        "invalid_param",
        "A webhook secret has 16 to 200 characters (or leave it empty to generate one).",
      );
    }
    out.secret = input.secret;
  }
  if (input.events !== undefined) out.events = parseEvents(input.events);
  if (input.enabled !== undefined) out.enabled = input.enabled;
  if (input.description !== undefined) {
    const d = input.description.trim();
    if (d.length > 200) throw new AppError("invalid_param", "Descriptions are at most 200 characters.");
    out.description = d;
  }
  return out;
}

/** The part of a URL safe to log and audit: its origin (the path of e.g. a Slack URL is a secret). */
export const urlOrigin = (url: string) => {
  try {
    return new URL(url).origin;
  } catch {
    return "(invalid URL)";
  }
};
