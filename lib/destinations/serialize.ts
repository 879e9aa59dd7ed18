// The exact JSON shapes Synapse's federation admin API answers, field order included.
import type { JsonValue } from "../http/json";
import type { DestinationTimings, Page, RoomRow } from "./types";

export function listItemJson(d: DestinationTimings): JsonValue {
  return {
    destination: d.destination,
    retry_last_ts: d.retryLastTs,
    retry_interval: d.retryInterval,
    failure_ts: d.failureTs,
    last_successful_stream_ordering: d.lastSuccessfulStreamOrdering,
  };
}

/** Details hide the timings when retry_last_ts is 0, whatever is stored (Synapse quirk). */
export function detailsJson(d: DestinationTimings): { [k: string]: JsonValue } {
  const backingOff = d.retryLastTs !== 0n;
  return {
    destination: d.destination,
    last_successful_stream_ordering: d.lastSuccessfulStreamOrdering,
    failure_ts: backingOff ? d.failureTs : null,
    retry_last_ts: backingOff ? d.retryLastTs : 0n,
    retry_interval: backingOff ? d.retryInterval : 0n,
  };
}

export function destinationsPageJson(p: Page<DestinationTimings>): JsonValue {
  return {
    destinations: p.items.map(listItemJson),
    total: p.total,
    next_token: p.nextToken === null ? undefined : p.nextToken.toString(),
  };
}

export function roomItemJson(r: RoomRow): JsonValue {
  return { room_id: r.roomId, stream_ordering: r.streamOrdering };
}

export function roomsPageJson(p: Page<RoomRow>): JsonValue {
  return {
    rooms: p.items.map(roomItemJson),
    total: p.total,
    next_token: p.nextToken === null ? undefined : p.nextToken.toString(),
  };
}
