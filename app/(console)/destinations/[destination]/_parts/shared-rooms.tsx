// The rooms we share with the destination, by room_id either way, paged like the API
// (GET /destinations/<d>/rooms: from, limit, dir).
import type { Page, RoomRow } from "@/lib/destinations/types";
import { type DetailQuery, previousRoomsFrom, roomsHref } from "@/lib/destinations/detail-query";
import { formatInteger } from "@/lib/destinations/humanize";
import { Cell, ColumnHeader, DataTable, Row, SortHeader } from "@/app/_components/data-table";
import { PageLink, Pager } from "@/app/_components/pager";

export function SharedRooms({
  destination,
  rooms,
  query,
}: {
  destination: string;
  rooms: Page<RoomRow>;
  query: DetailQuery;
}) {
  const { roomsFrom, roomsDir } = query;
  const href = (from: bigint) => roomsHref(destination, { roomsFrom: from, roomsDir });
  return (
    <section aria-labelledby="rooms-h" className="mt-4" id="rooms">
      <h2 id="rooms-h" className="mb-2 text-sm font-semibold">
        Shared rooms <span className="font-normal text-slate-600">({formatInteger(rooms.total)})</span>
      </h2>
      {rooms.total === 0n ? (
        <p className="text-sm text-slate-600">No shared rooms.</p>
      ) : (
        <>
          <DataTable
            testId="rooms"
            head={
              <>
                <SortHeader
                  label="room_id"
                  href={roomsHref(destination, { roomsFrom: 0n, roomsDir: roomsDir === "f" ? "b" : "f" })}
                  sort={roomsDir === "f" ? "ascending" : "descending"}
                />
                <ColumnHeader className="text-right">stream_ordering</ColumnHeader>
              </>
            }
          >
            {rooms.items.map((r) => (
              <Row key={r.roomId}>
                <Cell className="break-all font-mono text-xs">{r.roomId}</Cell>
                <Cell className="text-right font-mono text-xs tabular-nums">{r.streamOrdering.toString()}</Cell>
              </Row>
            ))}
          </DataTable>
          <Pager label="Room pages">
            {roomsFrom > 0n ? (
              <PageLink href={href(previousRoomsFrom(roomsFrom))} label="‹ Previous" rel="prev" />
            ) : null}
            <span data-testid="rooms-range">
              {formatInteger(rooms.items.length ? roomsFrom + 1n : 0n)}–
              {formatInteger(roomsFrom + BigInt(rooms.items.length))} of {formatInteger(rooms.total)}
            </span>
            {rooms.nextToken !== null ? <PageLink href={href(rooms.nextToken)} label="Next ›" rel="next" /> : null}
          </Pager>
        </>
      )}
    </section>
  );
}
