// Synapse's four fields exactly as the API returns them, each with what it means.
import type { ConsoleDestination } from "@/lib/destinations/console-rows";
import { RelativeTime } from "@/app/_components/relative-time";
import { Duration } from "@/app/_components/ui";
import { Field, FieldPanel } from "./field-panel";

/** An int8 column as exact digits (or null). */
function Raw({ value }: { value: bigint | null }) {
  return value === null ? <code>null</code> : <code className="tabular-nums">{value.toString()}</code>;
}

export function SynapseFields({ d, serverNow }: { d: ConsoleDestination; serverNow: string }) {
  return (
    <FieldPanel id="synapse-fields" title="Synapse fields" testId="synapse-fields">
      <Field name="retry_last_ts">
        <Raw value={d.retryLastTs} />{" "}
        {d.retryLastTs > 0n ? (
          <RelativeTime ms={d.retryLastTs.toString()} serverNow={serverNow} absolute />
        ) : (
          <span className="text-slate-500">(not backing off)</span>
        )}
      </Field>
      <Field name="retry_interval">
        <Raw value={d.retryInterval} />{" "}
        {d.retryInterval > 0n ? (
          <span className="text-slate-600">
            (<Duration ms={d.retryInterval} />)
          </span>
        ) : null}
      </Field>
      <Field name="failure_ts">
        <Raw value={d.failureTs} />{" "}
        {d.failureTs !== null ? <RelativeTime ms={d.failureTs.toString()} serverNow={serverNow} absolute /> : null}
      </Field>
      <Field name="last_successful_stream_ordering">
        <Raw value={d.lastSuccessfulStreamOrdering} />
        {d.lastSuccessfulStreamOrdering === null ? (
          <>
            {" "}
            <span className="text-slate-500">(no events sent yet — says nothing about reachability)</span>
          </>
        ) : null}
      </Field>
    </FieldPanel>
  );
}
