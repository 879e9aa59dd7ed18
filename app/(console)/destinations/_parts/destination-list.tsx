"use client";
// The list's rows in the browser: the server's rows (compact ListRows), replaced in place by the
// live stream's newer copies; one clock for every relative time on the page; for operators one
// reset form that every row's Reset button submits (a form per row repeated the server action's
// hidden fields 100 times, ~1 KB a row). Works before hydration too: the buttons post the form.
import { useActionState, useEffect, useState, type ReactNode } from "react";
import type { ListRow } from "@/lib/destinations/list-row";
import { DataTable } from "@/app/_components/data-table";
import { LiveIndicator } from "@/app/_components/live-stream";
import { resetDestinationAction, type ResetState } from "../actions";
import { DestinationRow, RESET_FORM } from "./destination-row";
import { useLiveRows } from "./live-rows";

/** Now, as of the server's render until hydration, then the browser's, every 15 s; `mounted` after hydration. */
function useClock(serverNow: string): { now: bigint; mounted: boolean } {
  const [clock, setClock] = useState(() => ({ now: BigInt(serverNow), mounted: false }));
  useEffect(() => {
    const tick = () => setClock({ now: BigInt(Date.now()), mounted: true });
    tick();
    const t = setInterval(tick, 15_000);
    return () => clearInterval(t);
  }, []);
  return clock;
}

export function DestinationList({
  head,
  rows,
  watch,
  since,
  canReset,
  serverNow,
}: {
  head: ReactNode;
  rows: ListRow[];
  watch: string;
  since: number;
  canReset: boolean;
  serverNow: string;
}) {
  const live = useLiveRows(rows, watch, since);
  const clock = useClock(serverNow);
  const [result, action, pending] = useActionState<ResetState, FormData>(resetDestinationAction, null);
  // Which row's button sent the form: that row shows the pending state and the error.
  const [target, setTarget] = useState<string | null>(null);
  return (
    <>
      <div className="mb-1 flex justify-end">
        <LiveIndicator state={live.state} />
      </div>
      {canReset ? (
        <form
          id={RESET_FORM}
          action={action}
          hidden
          onSubmit={(e) => {
            const by = (e.nativeEvent as SubmitEvent).submitter;
            setTarget(by instanceof HTMLButtonElement ? by.value : null);
          }}
        />
      ) : null}
      <DataTable testId="destinations" className="destination-list" head={head}>
        {live.rows.map((r) => (
          <DestinationRow
            key={r[0]}
            row={r}
            now={clock.now}
            tips={clock.mounted}
            reset={
              canReset
                ? {
                    pending: pending && target === r[0],
                    error: target === r[0] && result && !result.ok ? result.error : null,
                  }
                : undefined
            }
          />
        ))}
      </DataTable>
    </>
  );
}
