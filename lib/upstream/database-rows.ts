// Rows of Synapse's tables (lib/upstream/testing/synapse-schema.sql) as the sync's types.
// pg hands every value over as text (the source's pool parses nothing), so BIGINT columns
// become BigInt without ever passing through Number. A row that cannot be mirrored is
// refused with an UpstreamProblem and counted in the pass's errors; the rest go on.
import { parseServerName } from "../federation/server-name";
import type { UpstreamDestination, UpstreamProblem, UpstreamRoom } from "./types";

/** destination, retry_last_ts, retry_interval, failure_ts, last_successful_stream_ordering. */
export type RawDestinationRow = [string, string | null, string | null, string | null, string | null];
/** destination, room_id, stream_ordering. */
export type RawRoomRow = [string, string, string];

/** The select list matching RawDestinationRow. */
export const DESTINATION_COLUMNS =
  "destination, retry_last_ts, retry_interval, failure_ts, last_successful_stream_ordering";

// pg writes BIGINT as plain decimal text; anything else means the column is not BIGINT.
const INTEGER = /^-?\d{1,19}$/;

function int64(text: string): bigint | undefined {
  return INTEGER.test(text) ? BigInt(text) : undefined;
}

// A hostname whose last label starts with a letter, with an optional port: valid for
// parseServerName whenever the host is at most 255 characters and the port 1–65535 (a letter
// in the last label rules out IPv4 and numeric TLDs). It decides ~20x faster than the full
// parser, which a full pass would otherwise call a million times; anything else goes to it.
const PLAIN_NAME = /^(?:[0-9A-Za-z-]{1,63}\.)*[A-Za-z][0-9A-Za-z-]{0,62}(?::([0-9]{1,5}))?$/;

/** parseServerName's verdict (Matrix spec, Appendices "Server Name"), or its message. */
export function serverNameProblem(name: string): string | null {
  const m = PLAIN_NAME.exec(name);
  if (m) {
    const hostLength = m[1] === undefined ? name.length : name.length - m[1].length - 1;
    const port = m[1] === undefined ? 1 : Number(m[1]);
    if (hostLength <= 255 && port >= 1 && port <= 65535) return null;
  }
  try {
    parseServerName(name);
    return null;
  } catch (e) {
    return e instanceof Error ? e.message : String(e);
  }
}

const whereOf = (destination: string) => `destination ${JSON.stringify(destination)}`;

/** A destination row, or null (with a problem) when its name or timings cannot be mirrored. */
export function toDestination(raw: RawDestinationRow, problems: UpstreamProblem[]): UpstreamDestination | null {
  const [destination, retryLastTsText, retryIntervalText, failureTsText, lssoText] = raw;
  const nameProblem = serverNameProblem(destination);
  if (nameProblem !== null) {
    problems.push({ where: whereOf(destination), message: nameProblem });
    return null;
  }
  // NULL retry_last_ts / retry_interval mean "never failed": 0, as Synapse's admin API shows them.
  const retryLastTs = retryLastTsText === null ? 0n : int64(retryLastTsText);
  const retryInterval = retryIntervalText === null ? 0n : int64(retryIntervalText);
  const failureTs = failureTsText === null ? null : int64(failureTsText);
  const lastSuccessfulStreamOrdering = lssoText === null ? null : int64(lssoText);
  if (
    retryLastTs === undefined ||
    retryInterval === undefined ||
    failureTs === undefined ||
    lastSuccessfulStreamOrdering === undefined
  ) {
    problems.push({ where: whereOf(destination), message: "a timing column is not an integer" });
    return null;
  }
  if (retryLastTs < 0n || retryInterval < 0n) {
    problems.push({
      where: whereOf(destination),
      message: `negative retry timings (retry_last_ts ${retryLastTs}, retry_interval ${retryInterval})`,
    });
    return null;
  }
  return { destination, retryLastTs, retryInterval, failureTs, lastSuccessfulStreamOrdering };
}

/** A destination_rooms row's room, or null (with a problem). */
export function toRoom(raw: RawRoomRow, problems: UpstreamProblem[]): UpstreamRoom | null {
  const [destination, roomId, streamOrderingText] = raw;
  const streamOrdering = int64(streamOrderingText);
  if (roomId === "" || streamOrdering === undefined) {
    problems.push({
      where: `room ${JSON.stringify(roomId)} of destination ${JSON.stringify(destination)}`,
      message: roomId === "" ? "empty room_id" : "stream_ordering is not an integer",
    });
    return null;
  }
  return { roomId, streamOrdering };
}

/**
 * The page's room map: an entry (maybe empty) for every mirrored row, rooms in the order given.
 * Rooms of destinations that are not rows (refused names) are left out; their destination's
 * problem is already counted.
 */
export function roomsOf(
  rows: readonly UpstreamDestination[],
  roomRows: readonly RawRoomRow[],
  problems: UpstreamProblem[],
): Map<string, UpstreamRoom[]> {
  const map = new Map<string, UpstreamRoom[]>();
  for (const r of rows) map.set(r.destination, []);
  for (const raw of roomRows) {
    const list = map.get(raw[0]);
    if (list === undefined) continue;
    const room = toRoom(raw, problems);
    if (room) list.push(room);
  }
  return map;
}
