// Test support for the API source: a fake upstream started once per test file, a source of
// settings pointing at it (page size 3), and helpers. Call withFakeUpstream() at the top of a
// test file; it registers the hooks and resets the fake after each test.
import { after, afterEach, before } from "node:test";
import assert from "node:assert/strict";
import { loadSettings } from "../../settings/settings";
import { type ApiSource, createApiSource } from "../api-source";
import { type DestinationPage, UpstreamError } from "../types";
import { type FakeRow, FakeUpstream } from "./fake-upstream";

/** A row; a failing one (retryLastTs > 0) gets an interval and a failure_ts. */
export const row = (destination: string, retryLastTs: bigint | null = 0n, extra: Partial<FakeRow> = {}): FakeRow => ({
  destination,
  retryLastTs,
  retryInterval: retryLastTs === null ? null : retryLastTs === 0n ? 0n : 60_000n,
  failureTs: retryLastTs ? (retryLastTs > 1000n ? retryLastTs - 1000n : retryLastTs) : null,
  lastSuccessfulStreamOrdering: null,
  ...extra,
});
export const NAMES = ["a.example", "b.example", "c.example", "d.example", "e.example", "f.example", "g.example"];
export const signal = () => AbortSignal.timeout(10_000);

export async function scan(s: ApiSource, pageSize = 3): Promise<DestinationPage[]> {
  const pages: DestinationPage[] = [];
  for await (const p of s.scanDestinations(pageSize, signal())) pages.push(p);
  return pages;
}

export type FakeUpstreamContext = {
  readonly fake: FakeUpstream;
  /** A source of the default settings on `fake` (page size 3). */
  readonly source: ApiSource;
  /** A source of these settings on `f` (closed after the file). */
  sourceFor(f: FakeUpstream, env?: Record<string, string>, timeoutMs?: number): ApiSource;
  /** Expects an UpstreamError of `kind` (and `status`) whose text holds no token. */
  rejects(work: Promise<unknown>, kind: UpstreamError["kind"], status?: number): Promise<UpstreamError>;
};

export function withFakeUpstream(): FakeUpstreamContext {
  let fake: FakeUpstream | undefined;
  let source: ApiSource | undefined;
  const sources: ApiSource[] = [];
  const sourceFor = (f: FakeUpstream, env: Record<string, string> = {}, timeoutMs?: number): ApiSource => {
    const st = loadSettings({
      FEDCONSOLE_UPSTREAM_URL: f.url,
      FEDCONSOLE_UPSTREAM_TOKEN: f.token,
      FEDCONSOLE_UPSTREAM_PAGE_SIZE: "3",
      ...env,
    });
    const s = createApiSource({ ...st.upstream!, ...(timeoutMs ? { timeoutMs } : {}) }, st.attempts);
    sources.push(s);
    return s;
  };
  before(async () => {
    fake = await FakeUpstream.start({ token: "fake-token-5b2f6d0e9c" });
    source = sourceFor(fake);
  });
  afterEach(() => {
    const f = fake!;
    f.table.clear();
    f.rawRows = [];
    f.resetAnswers.clear();
    f.onListRequest = undefined;
    f.setFaults({});
    f.clearCounters();
  });
  after(async () => {
    for (const s of sources) await s.close();
    await fake?.close();
  });
  return {
    get fake() {
      return fake!;
    },
    get source() {
      return source!;
    },
    sourceFor,
    async rejects(work, kind, status) {
      const e = await work.then(
        () => assert.fail("expected an UpstreamError"),
        (x: unknown) => x,
      );
      assert.ok(e instanceof UpstreamError, String(e));
      assert.equal(e.kind, kind, e.message);
      if (status !== undefined) assert.equal(e.status, status);
      assert.ok(!`${e.message} ${e.stack} ${JSON.stringify(e.matrix)}`.includes(fake!.token), "token leaked");
      return e;
    },
  };
}
