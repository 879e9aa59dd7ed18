// What we know of the remote server: where it resolved, what it runs, when we last reached it.
import type { ConsoleDestination } from "@/lib/destinations/console-rows";
import { RelativeTime } from "@/app/_components/relative-time";
import { Dash, Int } from "@/app/_components/ui";
import { Field, FieldPanel } from "./field-panel";

export function RemoteServer({ d, serverNow }: { d: ConsoleDestination; serverNow: string }) {
  return (
    <FieldPanel id="remote" title="Remote server" testId="remote-fields">
      <Field name="Resolved address" className="font-mono text-xs">
        {d.resolvedAddress ?? <Dash />}
      </Field>
      <Field name="Software">
        {d.serverSoftware ? `${d.serverSoftware} ${d.serverVersion ?? ""}`.trim() : <Dash />}
      </Field>
      <Field name="Last attempt">
        {d.lastAttemptTs !== null ? (
          <RelativeTime ms={d.lastAttemptTs.toString()} serverNow={serverNow} absolute />
        ) : (
          "never"
        )}
      </Field>
      <Field name="Last success">
        {d.lastSuccessTs !== null ? (
          <RelativeTime ms={d.lastSuccessTs.toString()} serverNow={serverNow} absolute />
        ) : (
          "none recorded"
        )}
      </Field>
      <Field name="Shared rooms">
        <Int value={d.roomsCount} />
      </Field>
    </FieldPanel>
  );
}
