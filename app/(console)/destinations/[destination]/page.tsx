// One destination: status, reset and "Attempt now", the latest error in plain words, Synapse's fields raw and
// human, what we know of the remote server, the attempt history and the shared rooms. Each
// concern is a component in _parts/; this page loads the data and lays them out.
import { notFound } from "next/navigation";
import { getDb } from "@/lib/db";
import { hasRole } from "@/lib/auth/principal";
import { isAppError } from "@/lib/errors";
import type { SearchParams } from "@/lib/http/page-params";
import { getDestinationDetail } from "@/lib/destinations/get-destination-detail";
import { listAttempts } from "@/lib/destinations/list-attempts";
import { listDestinationRooms } from "@/lib/destinations/list-destination-rooms";
import { getLatestReset } from "@/lib/destinations/latest-reset";
import {
  ROOMS_PAGE_SIZE,
  destinationFromSegment,
  destinationPath,
  parseDetailQuery,
} from "@/lib/destinations/detail-query";
import { pagePrincipal } from "@/app/_auth/session";
import { liveSince } from "@/lib/live/live-stream";
import { watchParam } from "@/lib/live/watch-hash";
import { LiveRefresh } from "./_parts/live-refresh";
import { DestinationHeader } from "./_parts/destination-header";
import { LatestError } from "./_parts/latest-error";
import { LatestReset } from "./_parts/latest-reset";
import { SynapseFields } from "./_parts/synapse-fields";
import { RemoteServer } from "./_parts/remote-server";
import { AttemptTimeline } from "./_parts/attempt-timeline";
import { AvailabilityStrip } from "./_parts/availability-strip";
import { getAvailability } from "@/lib/ops/availability";
import { SharedRooms } from "./_parts/shared-rooms";
import { MirrorSummary } from "./_parts/mirror-summary";
import { FederationCheck } from "./_parts/federation-check";
import { parseCheckQuery } from "@/lib/checks/check-input";
import { getCheck, listChecks } from "@/lib/checks/stored-checks";
import { mirrorContext } from "@/lib/upstream/mirror";
import { readThrough } from "@/lib/upstream/read-through";
import { isDeadTimings } from "@/lib/destinations/forget-destination";
import { formatDuration } from "@/lib/destinations/humanize";
import { settings } from "@/lib/settings/settings";
import { ForgetDestination } from "./_parts/forget-destination";

export const dynamic = "force-dynamic";

type Props = { params: Promise<{ destination: string }>; searchParams: Promise<SearchParams> };

export async function generateMetadata({ params }: Props) {
  return { title: `${destinationFromSegment((await params).destination)} · Federation Console` };
}

export default async function DestinationPage({ params, searchParams }: Props) {
  const name = destinationFromSegment((await params).destination);
  const search = await searchParams;
  const query = parseDetailQuery(search);
  const checkId = parseCheckQuery(search);
  const me = await pagePrincipal(destinationPath(name));
  const { pool } = await getDb();
  // Before reading: the live stream then sends whatever changes after this read.
  const since = await liveSince();
  const now = BigInt(Date.now());
  const serverNow = now.toString();
  // Mirror mode: read this destination from the homeserver first (bounded), so it is fresh.
  const mirror = mirrorContext();
  const fresh = mirror ? await readThrough(pool, mirror, name) : null;

  let d: Awaited<ReturnType<typeof getDestinationDetail>>;
  try {
    d = await getDestinationDetail(pool, me, name, now);
  } catch (e) {
    if (isAppError(e) && e.code === "not_found") notFound();
    throw e;
  }
  const [attempts, rooms, latestReset, checks, availability] = await Promise.all([
    listAttempts(pool, me, name, { limit: 50 }),
    listDestinationRooms(pool, me, name, { from: query.roomsFrom, limit: ROOMS_PAGE_SIZE, dir: query.roomsDir }),
    getLatestReset(pool, me, name),
    listChecks(pool, me, name, { limit: 20 }),
    getAvailability(pool, me, name),
  ]);
  const shownId =
    checkId !== null && checks.some((c) => c.id.toString() === checkId) ? checkId : checks[0]?.id.toString();
  const shownCheck = shownId === undefined ? null : await getCheck(pool, me, shownId, name).catch(() => null);

  return (
    <>
      <LiveRefresh destination={d.destination} watch={watchParam([d.destination])} since={since} />
      <DestinationHeader
        d={d}
        serverNow={serverNow}
        canReset={hasRole(me, "operator") && (!mirror || mirror.admin !== undefined)}
        canAttempt={hasRole(me, "operator")}
      />
      {hasRole(me, "admin") && !mirror ? (
        <ForgetDestination
          destination={d.destination}
          dead={isDeadTimings(d, Number(now), settings().deadAfterMs)}
          deadAfter={formatDuration(settings().deadAfterMs)}
        />
      ) : null}
      {mirror && fresh ? <MirrorSummary d={d} attempts={attempts} fresh={fresh} serverNow={serverNow} /> : null}
      <LatestError d={d} attempts={attempts} serverNow={serverNow} />
      <LatestReset reset={latestReset} inProgress={d.status.inProgress} />
      <div className="grid gap-3 lg:grid-cols-2">
        <SynapseFields d={d} serverNow={serverNow} />
        <RemoteServer d={d} serverNow={serverNow} />
      </div>
      <FederationCheck
        destination={d.destination}
        shown={shownCheck}
        history={checks}
        canFlush={hasRole(me, "operator")}
        serverNow={serverNow}
      />
      <AvailabilityStrip a={availability} />
      <AttemptTimeline attempts={attempts} serverNow={serverNow} hasCheck={shownCheck?.report != null} />
      <SharedRooms destination={d.destination} rooms={rooms} query={query} />
    </>
  );
}
