// One destination: status and reset, the latest error in plain words, Synapse's fields raw and
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
import { SharedRooms } from "./_parts/shared-rooms";
import { MirrorSummary } from "./_parts/mirror-summary";
import { mirrorContext } from "@/lib/upstream/mirror";
import { readThrough } from "@/lib/upstream/read-through";

export const dynamic = "force-dynamic";

type Props = { params: Promise<{ destination: string }>; searchParams: Promise<SearchParams> };

export async function generateMetadata({ params }: Props) {
  return { title: `${destinationFromSegment((await params).destination)} · Federation Console` };
}

export default async function DestinationPage({ params, searchParams }: Props) {
  const name = destinationFromSegment((await params).destination);
  const query = parseDetailQuery(await searchParams);
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
  const [attempts, rooms, latestReset] = await Promise.all([
    listAttempts(pool, me, name, { limit: 50 }),
    listDestinationRooms(pool, me, name, { from: query.roomsFrom, limit: ROOMS_PAGE_SIZE, dir: query.roomsDir }),
    getLatestReset(pool, me, name),
  ]);

  return (
    <>
      <LiveRefresh destination={d.destination} watch={watchParam([d.destination])} since={since} />
      <DestinationHeader
        d={d}
        serverNow={serverNow}
        canReset={hasRole(me, "operator") && (!mirror || mirror.admin !== undefined)}
      />
      {mirror && fresh ? <MirrorSummary d={d} attempts={attempts} fresh={fresh} serverNow={serverNow} /> : null}
      <LatestError d={d} attempts={attempts} serverNow={serverNow} />
      <LatestReset reset={latestReset} inProgress={d.status.inProgress} />
      <div className="grid gap-3 lg:grid-cols-2">
        <SynapseFields d={d} serverNow={serverNow} />
        <RemoteServer d={d} serverNow={serverNow} />
      </div>
      <AttemptTimeline attempts={attempts} serverNow={serverNow} />
      <SharedRooms destination={d.destination} rooms={rooms} query={query} />
    </>
  );
}
