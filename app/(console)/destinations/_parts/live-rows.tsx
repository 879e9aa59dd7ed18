"use client";
// The list's rows as they change: the stream's newer copy of a row replaces the one the server
// rendered, in place (same element, so scroll, focus and open dialogs stay). A row that was
// forgotten, or a gap in the stream, re-renders the page from the server instead.
import { useRouter } from "next/navigation";
import { createContext, useContext, useEffect, useState, type ReactNode } from "react";
import { toConsoleDestination, type ConsoleDestination } from "@/lib/destinations/console-rows";
import { LiveIndicator, useLiveStream } from "@/app/_components/live-stream";

type Live = { d: ConsoleDestination; serverNow: string };
const LiveContext = createContext<ReadonlyMap<string, Live>>(new Map());

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
  const [live, setLive] = useState<ReadonlyMap<string, Live>>(new Map());
  // A new server render (navigation, refresh) is newer than what the stream said before it.
  useEffect(() => setLive(new Map()), [since]);
  const state = useLiveStream(watch, since, {
    rows: (u) => {
      const shown = new Set(names);
      if (u.gone.some((n) => shown.has(n))) router.refresh();
      const mine = u.rows.filter((r) => shown.has(r.destination));
      if (mine.length === 0) return;
      setLive((prev) => {
        const next = new Map(prev);
        for (const r of mine) next.set(r.destination, { d: toConsoleDestination(r, BigInt(u.now)), serverNow: u.now });
        return next;
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
