"use client";
// The browser side of the live stream (lib/live/live-stream.ts): one EventSource per page for
// the rows it shows. The browser reconnects by itself (sending Last-Event-ID, so nothing is
// missed); a page re-rendered with the same rows keeps its connection.
import { useEffect, useRef, useState } from "react";
import type { ConsoleSqlRow } from "@/lib/destinations/console-rows";

export type LiveRows = { now: string; rows: ConsoleSqlRow[]; gone: string[] };
export type LiveState = "connecting" | "live" | "offline";

export function useLiveStream(
  watch: string,
  since: number,
  on: { rows: (u: LiveRows) => void; reload: () => void },
): LiveState {
  const handlers = useRef(on);
  handlers.current = on;
  const from = useRef(since);
  const [state, setState] = useState<LiveState>("connecting");
  useEffect(() => {
    const es = new EventSource(`/events/destinations?w=${watch}&since=${from.current}`);
    es.addEventListener("hello", () => setState("live"));
    es.addEventListener("rows", (e) => handlers.current.rows(JSON.parse((e as MessageEvent<string>).data)));
    es.addEventListener("reload", () => handlers.current.reload());
    es.onerror = () => setState(es.readyState === EventSource.CLOSED ? "offline" : "connecting");
    return () => es.close();
  }, [watch]);
  return state;
}

const LABELS: Record<LiveState, string> = { connecting: "Connecting…", live: "Live", offline: "Not live: reload" };

/** A small indicator of whether the page follows changes. */
export function LiveIndicator({ state }: { state: LiveState }) {
  return (
    <span
      data-testid="live-status"
      data-state={state}
      title={state === "live" ? "Rows update as they change" : undefined}
      className={`inline-flex items-center gap-1 text-xs ${state === "live" ? "text-emerald-800" : "text-slate-600"}`}
    >
      <span aria-hidden="true">{state === "live" ? "●" : "○"}</span>
      {LABELS[state]}
    </span>
  );
}
