"use client";
// The list's rows as they change: the stream's newer copy of a row replaces the one the server
// rendered, in place (same element, so scroll, focus and open dialogs stay). A row that was
// forgotten, or a gap in the stream, re-renders the page from the server instead.
import { useRouter } from "next/navigation";
import { createContext, useContext, useState, type ReactNode } from "react";
import { toConsoleDestination, type ConsoleDestination } from "@/lib/destinations/console-rows";
import { LiveIndicator, useLiveStream } from "@/app/_components/live-stream";

type Live = { d: ConsoleDestination; serverNow: string };
const EMPTY: ReadonlyMap<string, Live> = new Map();
const LiveContext = createContext(EMPTY);

export function LiveRowsProvider({
  watch,
  since,
  names,
  children,
}: {
  watch: string;
  since: number;
  names: string[];
  children: ReactNode;
}) {
  const router = useRouter();
  // Rows from the stream, for the server render they follow: a new render (navigation,
  // refresh; `since` moves) is newer than what the stream said before it.
  const [held, setHeld] = useState<{ since: number; rows: ReadonlyMap<string, Live> }>({ since, rows: new Map() });
  const live = held.since === since ? held.rows : EMPTY;
  const state = useLiveStream(watch, since, {
    rows: (u) => {
      const shown = new Set(names);
      if (u.gone.some((n) => shown.has(n))) router.refresh();
      const mine = u.rows.filter((r) => shown.has(r.destination));
      if (mine.length === 0) return;
      setHeld((prev) => {
        const next = new Map(prev.since === since ? prev.rows : EMPTY);
        for (const r of mine) next.set(r.destination, { d: toConsoleDestination(r, BigInt(u.now)), serverNow: u.now });
        return { since, rows: next };
      });
    },
    reload: () => router.refresh(),
  });
  return (
    <LiveContext.Provider value={live}>
      <div className="mb-1 flex justify-end">
        <LiveIndicator state={state} />
      </div>
      {children}
    </LiveContext.Provider>
  );
}

/** The newest copy of a row: the stream's, if it sent one since the page was rendered. */
export function useLiveRow(d: ConsoleDestination, serverNow: string): Live {
  return useContext(LiveContext).get(d.destination) ?? { d, serverNow };
}
