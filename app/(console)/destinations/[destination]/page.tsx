// One destination: status and reset, the latest error in plain words, Synapse's fields raw and
// human, what we know of the remote server, the attempt history and the shared rooms.
import Link from "next/link";
import { notFound } from "next/navigation";
import { getDb } from "@/lib/db";
import { hasRole } from "@/lib/auth/principal";
import { isAppError } from "@/lib/errors";
import { getDestinationDetail } from "@/lib/destinations/get-destination-detail";
import { listAttempts } from "@/lib/destinations/list-attempts";
import { listDestinationRooms } from "@/lib/destinations/list-destination-rooms";
import { getLatestReset } from "@/lib/destinations/latest-reset";
import { describeFailure } from "@/lib/destinations/describe-error";
import { resetUnavailableReason } from "@/lib/destinations/destination-status";
import { formatInteger, formatTimestamp } from "@/lib/destinations/humanize";
import { pagePrincipal } from "../../../_auth/session";
import { RelativeTime } from "../../../_components/relative-time";
import { AutoRefresh } from "../../../_components/auto-refresh";
import { Dash, Duration, Int, Notice, OutcomeBadge, StatusBadge, td, th } from "../../../_components/ui";
import { ResetButton } from "../reset-button";

export const dynamic = "force-dynamic";

type Props = {
  params: Promise<{ destination: string }>;
  searchParams: Promise<Record<string, string | string[] | undefined>>;
};

const ROOMS_PAGE = 50;
const TRIGGERS: Record<string, string> = { schedule: "Scheduled", reset: "Reset", manual: "Manual" };

function decodeName(raw: string): string {
  try {
    return decodeURIComponent(raw);
  } catch {
    return raw;
  }
}

export async function generateMetadata({ params }: Props) {
  return { title: `${decodeName((await params).destination)} · Federation Console` };
}

export default async function DestinationPage({ params, searchParams }: Props) {
  const name = decodeName((await params).destination);
  const sp = await searchParams;
  const path = `/destinations/${encodeURIComponent(name)}`;
  const me = await pagePrincipal(path);
  const { pool } = await getDb();
  const now = BigInt(Date.now());
  const serverNow = now.toString();

  let d: Awaited<ReturnType<typeof getDestinationDetail>>;
  try {
    d = await getDestinationDetail(pool, me, name, now);
  } catch (e) {
    if (isAppError(e) && e.code === "not_found") notFound();
    throw e;
  }
  const roomsFrom = typeof sp.rooms_from === "string" && /^\d{1,12}$/.test(sp.rooms_from) ? BigInt(sp.rooms_from) : 0n;
  const roomsDir = sp.rooms_dir === "b" ? "b" : "f";
  const [attempts, rooms, latestReset] = await Promise.all([
    listAttempts(pool, me, name, { limit: 50 }),
    listDestinationRooms(pool, me, name, { from: roomsFrom, limit: BigInt(ROOMS_PAGE), dir: roomsDir }),
    getLatestReset(pool, me, name),
  ]);
  const lastFailure = attempts.find((a) => a.outcome === "failure");
  const failure =
    d.lastOutcome === "failure" || d.lastErrorKind
      ? describeFailure(
          lastFailure && lastFailure.reason === d.lastErrorKind
            ? { ...lastFailure }
            : { reason: d.lastErrorKind, message: d.lastErrorMessage },
        )
      : null;
  const canReset = hasRole(me, "operator");
  const backingOff = d.retryLastTs > 0n;
  const roomsHref = (from: bigint, dir: string) =>
    `${path}?${new URLSearchParams({ ...(from ? { rooms_from: from.toString() } : {}), ...(dir === "b" ? { rooms_dir: "b" } : {}) })}#rooms`;

  return (
    <>
      <AutoRefresh active={d.status.inProgress} intervalMs={1000} />
      <nav aria-label="Breadcrumb" className="mb-1 text-sm">
        <Link href="/destinations" className="text-sky-800 hover:underline">
          Destinations
        </Link>{" "}
        <span aria-hidden="true">/</span>
      </nav>
      <div className="mb-3 flex flex-wrap items-start justify-between gap-3">
        <div>
          <h1 className="break-all font-mono text-lg font-semibold">{d.destination}</h1>
          <div className="mt-1 flex flex-wrap items-center gap-2 text-sm" data-testid="detail-status">
            <StatusBadge kind={d.status.kind} />
            {d.status.kind === "backing_off" || d.status.kind === "blocked" ? (
              <span>
                retry due <RelativeTime ms={d.status.nextRetryTs!.toString()} serverNow={serverNow} absolute />
              </span>
            ) : null}
            {d.status.kind === "blocked" ? (
              <span className="text-rose-800">
                The resolved address is in a blocked IP range (FEDERATION_IP_RANGE_BLOCKLIST).
              </span>
            ) : null}
            {d.status.kind === "retrying" ? <span>An attempt is in progress…</span> : null}
          </div>
        </div>
        {canReset ? (
          <ResetButton destination={d.destination} disabledReason={resetUnavailableReason(d.status)} />
        ) : null}
      </div>

      {failure && d.lastOutcome !== "success" ? (
        <section aria-label="Latest error" className="mb-3" data-testid="latest-error">
          <Notice kind="error">
            <strong>{failure.summary}</strong>
            {failure.detail ? <span className="block text-xs">{failure.detail}</span> : null}
            {d.lastAttemptTs !== null ? (
              <span className="block text-xs">
                Last attempt <RelativeTime ms={d.lastAttemptTs.toString()} serverNow={serverNow} absolute />
              </span>
            ) : null}
          </Notice>
        </section>
      ) : null}

      {latestReset ? (
        <section aria-label="Latest reset" className="mb-3" data-testid="latest-reset">
          <Notice kind="info">
            Reset by <strong>{latestReset.actor}</strong> ({latestReset.via}) at{" "}
            {formatTimestamp(latestReset.at.getTime())}
            {" → "}
            {latestReset.attempt ? (
              <span data-testid="reset-attempt-result">
                attempt{" "}
                {latestReset.attempt.outcome === "success"
                  ? "succeeded"
                  : latestReset.attempt.outcome === "failure"
                    ? "failed"
                    : "answered"}{" "}
                in {formatInteger(latestReset.attempt.durationMs)} ms
                {latestReset.attempt.outcome !== "success" && latestReset.attempt.reason
                  ? `: ${describeFailure(latestReset.attempt)?.summary ?? latestReset.attempt.reason}`
                  : ""}
              </span>
            ) : d.status.inProgress ? (
              <span data-testid="reset-attempt-result">attempt in progress…</span>
            ) : (
              <span data-testid="reset-attempt-result">no attempt recorded (its history may have been trimmed)</span>
            )}
          </Notice>
        </section>
      ) : null}

      <div className="grid gap-3 lg:grid-cols-2">
        <section aria-labelledby="synapse-fields" className="rounded border border-slate-200 bg-white p-3">
          <h2 id="synapse-fields" className="mb-2 text-sm font-semibold">
            Synapse fields
          </h2>
          <dl className="grid grid-cols-[max-content_1fr] gap-x-4 gap-y-1 text-sm" data-testid="synapse-fields">
            <dt className="text-slate-600">retry_last_ts</dt>
            <dd>
              <code className="tabular-nums">{d.retryLastTs.toString()}</code>{" "}
              {backingOff ? (
                <RelativeTime ms={d.retryLastTs.toString()} serverNow={serverNow} absolute />
              ) : (
                <span className="text-slate-500">(not backing off)</span>
              )}
            </dd>
            <dt className="text-slate-600">retry_interval</dt>
            <dd>
              <code className="tabular-nums">{d.retryInterval.toString()}</code>{" "}
              {d.retryInterval > 0n ? (
                <span className="text-slate-600">
                  (<Duration ms={d.retryInterval} />)
                </span>
              ) : null}
            </dd>
            <dt className="text-slate-600">failure_ts</dt>
            <dd>
              {d.failureTs === null ? (
                <code>null</code>
              ) : (
                <code className="tabular-nums">{d.failureTs.toString()}</code>
              )}{" "}
              {d.failureTs !== null ? (
                <RelativeTime ms={d.failureTs.toString()} serverNow={serverNow} absolute />
              ) : null}
            </dd>
            <dt className="text-slate-600">last_successful_stream_ordering</dt>
            <dd>
              {d.lastSuccessfulStreamOrdering === null ? (
                <>
                  <code>null</code>{" "}
                  <span className="text-slate-500">(no events sent yet — says nothing about reachability)</span>
                </>
              ) : (
                <code className="tabular-nums">{d.lastSuccessfulStreamOrdering.toString()}</code>
              )}
            </dd>
          </dl>
        </section>

        <section aria-labelledby="remote" className="rounded border border-slate-200 bg-white p-3">
          <h2 id="remote" className="mb-2 text-sm font-semibold">
            Remote server
          </h2>
          <dl className="grid grid-cols-[max-content_1fr] gap-x-4 gap-y-1 text-sm" data-testid="remote-fields">
            <dt className="text-slate-600">Resolved address</dt>
            <dd className="font-mono text-xs">{d.resolvedAddress ?? <Dash />}</dd>
            <dt className="text-slate-600">Software</dt>
            <dd>{d.serverSoftware ? `${d.serverSoftware} ${d.serverVersion ?? ""}`.trim() : <Dash />}</dd>
            <dt className="text-slate-600">Last attempt</dt>
            <dd>
              {d.lastAttemptTs !== null ? (
                <RelativeTime ms={d.lastAttemptTs.toString()} serverNow={serverNow} absolute />
              ) : (
                "never"
              )}
            </dd>
            <dt className="text-slate-600">Last success</dt>
            <dd>
              {d.lastSuccessTs !== null ? (
                <RelativeTime ms={d.lastSuccessTs.toString()} serverNow={serverNow} absolute />
              ) : (
                "none recorded"
              )}
            </dd>
            <dt className="text-slate-600">Shared rooms</dt>
            <dd>
              <Int value={d.roomsCount} />
            </dd>
          </dl>
        </section>
      </div>

      <section aria-labelledby="history" className="mt-4">
        <h2 id="history" className="mb-2 text-sm font-semibold">
          Attempt history
        </h2>
        {attempts.length === 0 ? (
          <p className="text-sm text-slate-600">No attempts recorded yet.</p>
        ) : (
          <ol className="relative ml-2 border-l border-slate-300" data-testid="attempts">
            {attempts.map((a) => {
              const words = a.outcome === "success" ? null : describeFailure(a);
              return (
                <li key={a.id.toString()} className="mb-2 ml-4" data-outcome={a.outcome} data-trigger={a.trigger}>
                  <span
                    aria-hidden="true"
                    className={`absolute -left-1.5 mt-1.5 h-3 w-3 rounded-full border border-white ${a.outcome === "success" ? "bg-emerald-500" : a.outcome === "failure" ? "bg-rose-500" : "bg-slate-400"}`}
                  />
                  <div className="flex flex-wrap items-center gap-2 text-sm">
                    <RelativeTime ms={a.startedTs.toString()} serverNow={serverNow} absolute />
                    <OutcomeBadge outcome={a.outcome} />
                    <span className="rounded bg-slate-100 px-1.5 text-xs text-slate-700">
                      {TRIGGERS[a.trigger] ?? a.trigger}
                    </span>
                    <span className="text-xs text-slate-600">{formatInteger(a.durationMs)} ms</span>
                    {a.httpStatus !== null ? <span className="text-xs text-slate-600">HTTP {a.httpStatus}</span> : null}
                    {a.resolvedAddress ? (
                      <span className="font-mono text-xs text-slate-600">{a.resolvedAddress}</span>
                    ) : null}
                    {a.serverSoftware ? (
                      <span className="text-xs text-slate-600">
                        {`${a.serverSoftware} ${a.serverVersion ?? ""}`.trim()}
                      </span>
                    ) : null}
                  </div>
                  {words ? (
                    <p className="text-sm text-rose-800">
                      {words.summary}
                      {words.detail ? <span className="block text-xs text-slate-600">{words.detail}</span> : null}
                    </p>
                  ) : null}
                </li>
              );
            })}
          </ol>
        )}
      </section>

      <section aria-labelledby="rooms" className="mt-4" id="rooms">
        <h2 id="rooms-h" className="mb-2 text-sm font-semibold">
          Shared rooms <span className="font-normal text-slate-600">({formatInteger(rooms.total)})</span>
        </h2>
        {rooms.total === 0n ? (
          <p className="text-sm text-slate-600">No shared rooms.</p>
        ) : (
          <>
            <div className="overflow-x-auto rounded border border-slate-200 bg-white">
              <table className="w-full text-sm" data-testid="rooms">
                <thead className="border-b border-slate-200 bg-slate-50">
                  <tr>
                    <th scope="col" className={th} aria-sort={roomsDir === "f" ? "ascending" : "descending"}>
                      <Link href={roomsHref(0n, roomsDir === "f" ? "b" : "f")} className="hover:text-slate-900">
                        room_id <span aria-hidden="true">{roomsDir === "f" ? "▲" : "▼"}</span>
                      </Link>
                    </th>
                    <th scope="col" className={`${th} text-right`}>
                      stream_ordering
                    </th>
                  </tr>
                </thead>
                <tbody>
                  {rooms.items.map((r) => (
                    <tr key={r.roomId} className="border-b border-slate-100 last:border-0">
                      <td className={`${td} break-all font-mono text-xs`}>{r.roomId}</td>
                      <td className={`${td} text-right font-mono text-xs tabular-nums`}>
                        {r.streamOrdering.toString()}
                      </td>
                    </tr>
                  ))}
                </tbody>
              </table>
            </div>
            <nav aria-label="Room pages" className="mt-2 flex items-center gap-2 text-sm">
              {roomsFrom > 0n ? (
                <Link
                  className="rounded border border-slate-300 bg-white px-2 py-0.5 hover:bg-slate-100"
                  href={roomsHref(roomsFrom > BigInt(ROOMS_PAGE) ? roomsFrom - BigInt(ROOMS_PAGE) : 0n, roomsDir)}
                >
                  ‹ Previous
                </Link>
              ) : null}
              <span data-testid="rooms-range">
                {formatInteger(rooms.items.length ? roomsFrom + 1n : 0n)}–
                {formatInteger(roomsFrom + BigInt(rooms.items.length))} of {formatInteger(rooms.total)}
              </span>
              {rooms.nextToken !== null ? (
                <Link
                  className="rounded border border-slate-300 bg-white px-2 py-0.5 hover:bg-slate-100"
                  href={roomsHref(rooms.nextToken, roomsDir)}
                >
                  Next ›
                </Link>
              ) : null}
            </nav>
          </>
        )}
      </section>
    </>
  );
}
