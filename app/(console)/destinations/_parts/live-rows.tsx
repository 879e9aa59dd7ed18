// The list's rows as they change: the stream's newer copy of a row replaces the one the server
// rendered, in place (same element, so scroll, focus and open dialogs stay). A row that was
// forgotten, or a gap in the stream, re-renders the page from the server instead.
import { useRouter } from "next/navigation";
import { useState } from "react";
import { toConsoleDestination } from "@/lib/destinations/console-rows";
import { toListRow, type ListRow } from "@/lib/destinations/list-row";
import { type LiveState, useLiveStream } from "@/app/_components/live-stream";

const EMPTY: ReadonlyMap<string, ListRow> = new Map();

export function useLiveRows(
  rows: readonly ListRow[],
  watch: string,
  since: number,
): { rows: readonly ListRow[]; state: LiveState } {
  const router = useRouter();
  // Rows from the stream, for the server render they follow: a new render (navigation,
  // refresh; `since` moves) is newer than what the stream said before it.
  const [held, setHeld] = useState<{ since: number; rows: ReadonlyMap<string, ListRow> }>({ since, rows: EMPTY });
  const live = held.since === since ? held.rows : EMPTY;
  const state = useLiveStream(watch, since, {
    rows: (u) => {
      const shown = new Set(rows.map((r) => r[0]));
      if (u.gone.some((n) => shown.has(n))) router.refresh();
      const mine = u.rows.filter((r) => shown.has(r.destination));
      if (mine.length === 0) return;
      setHeld((prev) => {
        const next = new Map(prev.since === since ? prev.rows : EMPTY);
        for (const r of mine) next.set(r.destination, toListRow(toConsoleDestination(r, BigInt(u.now))));
        return { since, rows: next };
      });
    },
    reload: () => router.refresh(),
  });
  return { rows: live.size === 0 ? rows : rows.map((r) => live.get(r[0]) ?? r), state };
}
