// The homeserver's federation admin API as the mirror's source (kind "api") and as the target of
// relayed resets (synapse/rest/admin/federation.py). Every answer is validated
// (parse-upstream.ts); refused rows become problems, a wrong page an UpstreamError.
import type { AttemptSettings, UpstreamSettings } from "../settings/settings";
import type { DnsFunctions } from "../federation/guarded-lookup";
import { compareKeys, DESTINATIONS_PATH, destinationPath, getOk, listPath } from "./api-paths";
import { readRecentFailures } from "./api-recent";
import { parseDestinationDetails, parseDestinationsPage, parseRoomsPage } from "./parse-upstream";
import type {
  DestinationPage,
  RecentChanges,
  RoomsResult,
  UpstreamAdmin,
  UpstreamDestination,
  UpstreamProblem,
  UpstreamRoom,
  UpstreamSource,
} from "./types";
import { UpstreamClient } from "./upstream-client";
import { upstreamIpGuard } from "./upstream-ip-guard";

export class ApiSource implements UpstreamSource, UpstreamAdmin {
  readonly kind = "api" as const;
  /** The base URL's host[:port]. */
  readonly label: string;

  /** `pageSize`: rooms pages and recent-changes pages (a full scan is given its own). */
  constructor(
    private readonly client: UpstreamClient,
    private readonly pageSize: number,
  ) {
    this.label = client.host;
  }

  /**
   * `order_by=destination` pages by offset until a page is short or has no next_token. Each page
   * carries its `total` and key range (after = the previous page's last key, through = its own
   * last key, null on the last page). A key not after the one before it (the upstream changed
   * under the offsets, or sorts otherwise) is a problem and marks the page `outOfOrder`.
   */
  async *scanDestinations(pageSize: number, signal: AbortSignal): AsyncIterable<DestinationPage> {
    let from = 0;
    let after: string | null = null;
    for (;;) {
      const where = `${DESTINATIONS_PATH} by destination from=${from}`;
      const page = parseDestinationsPage(
        await getOk(this.client, listPath("destination", "f", from, pageSize), signal),
        where,
      );
      const last = page.nextToken === null || page.count < pageSize;
      const problems = [...page.problems];
      let outOfOrder = false;
      let prev = after;
      page.keys.forEach((key, i) => {
        const c = prev === null ? 1 : compareKeys(key, prev);
        // Equal within the page: a duplicate, already a problem of its own.
        if (c < 0 || (c === 0 && i === 0)) {
          problems.push({
            where: `${where}, key ${i}`,
            message: `${JSON.stringify(key)} is not after ${JSON.stringify(prev)}: the list shifted while it was read (or is not in byte order)`,
            destination: key,
          });
        }
        if (c <= 0) outOfOrder = true;
        prev = key;
      });
      const through: string | null = last ? null : (page.keys.at(-1) ?? after);
      yield {
        rows: page.rows,
        problems,
        total: page.total,
        range: { after, through },
        ...(outOfOrder ? { outOfOrder: true as const } : {}),
      };
      if (last) return;
      after = through;
      from += page.count;
    }
  }

  recentFailures(watermark: bigint, state: { headOffset?: number }, signal: AbortSignal): Promise<RecentChanges> {
    return readRecentFailures(this.client, this.pageSize, watermark, state, signal);
  }

  async destination(name: string, signal: AbortSignal): Promise<UpstreamDestination | null> {
    const path = destinationPath(name);
    const res = await this.client.get(path, signal);
    if (res.status === 404 && res.matrix?.errcode === "M_NOT_FOUND") return null;
    if (res.status < 200 || res.status >= 300) throw this.client.statusError("GET", path, res);
    return parseDestinationDetails(res.json ?? null, name, `${DESTINATIONS_PATH}/${name}`);
  }

  /** Every page of the rooms; `total` must agree with the rows listed (Synapse 1.67–1.106 lists every destination's rooms, #17077). */
  async rooms(name: string, signal: AbortSignal): Promise<RoomsResult> {
    const rooms: UpstreamRoom[] = [];
    const problems: UpstreamProblem[] = [];
    const seen = new Set<string>();
    let from = 0;
    let total: bigint | null = null;
    for (;;) {
      const path = destinationPath(name, `/rooms?from=${from}&limit=${this.pageSize}`);
      const res = await this.client.get(path, signal);
      if (res.status === 404 && res.matrix?.errcode === "M_NOT_FOUND") return { missing: true };
      if (res.status < 200 || res.status >= 300) throw this.client.statusError("GET", path, res);
      const where = `${DESTINATIONS_PATH}/${name}/rooms from=${from}`;
      const page = parseRoomsPage(res.json ?? null, where, seen);
      if (total !== null && page.total !== total) {
        problems.push({
          where,
          message: `total changed from ${total} to ${page.total} between pages`,
          destination: name,
        });
      }
      total = page.total;
      rooms.push(...page.rows);
      problems.push(...page.problems);
      from += page.count;
      if (page.nextToken === null || page.count < this.pageSize) break;
    }
    if (BigInt(from) !== total) {
      problems.push({
        where: `${DESTINATIONS_PATH}/${name}/rooms`,
        message: `the homeserver counts ${total} rooms but listed ${from}`,
        destination: name,
      });
    }
    return { rooms, problems };
  }

  /** POST …/reset_connection `{}`: resolves on 2xx; else UpstreamError (http with `matrix`, unauthorized, unreachable, timeout). */
  async resetConnection(name: string, signal: AbortSignal): Promise<void> {
    const path = destinationPath(name, "/reset_connection");
    const res = await this.client.post(path, "{}", signal);
    if (res.status < 200 || res.status >= 300) throw this.client.statusError("POST", path, res);
  }

  close(): Promise<void> {
    return this.client.close();
  }
}

/**
 * The API source of these settings (upstream.url and upstream.token must be set): IP guard of
 * the federation blocklist minus both allowlists, FEDERATION_CA_FILE's CA trusted, the upstream
 * timeout per request. `dns` is for tests.
 */
export function createApiSource(
  upstream: UpstreamSettings,
  attempts: Pick<AttemptSettings, "ipBlocklist" | "ipAllowlist" | "ca">,
  deps: { dns?: Pick<DnsFunctions, "lookup"> } = {},
): ApiSource {
  if (upstream.url === undefined || upstream.token === undefined) {
    throw new Error("the API source needs FEDCONSOLE_UPSTREAM_URL and a token");
  }
  const client = new UpstreamClient({
    baseUrl: upstream.url,
    token: upstream.token,
    timeoutMs: upstream.timeoutMs,
    ipGuard: upstreamIpGuard(attempts, upstream),
    ca: attempts.ca,
    dns: deps.dns,
  });
  return new ApiSource(client, upstream.pageSize);
}
