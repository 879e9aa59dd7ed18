// A server name that wraps only between its labels (after a dot, before the port), never in the
// middle of one: "bulk000.example.net" may become "bulk000.example." / "net", never
// "bulk000.example.ne" / "t". Each label is kept whole (no break at its hyphens either) and a
// <wbr> between labels is the only break opportunity; they add no text, so a copy is the name.
// Styled by `.server-name` in app/globals.css (no class per label: the list shows 100 names).
import { Fragment } from "react";

/** The labels with a <wbr> between them; `.server-name > span` keeps each whole. */
export function serverNameLabels(name: string) {
  return name.split(/(?<=\.)|(?=:\d+$)/).map((part, i) => (
    // biome-ignore lint/suspicious/noArrayIndexKey: labels can repeat; their position is their identity
    <Fragment key={i}>
      {i > 0 ? <wbr /> : null}
      <span>{part}</span>
    </Fragment>
  ));
}

export function ServerName({ name }: { name: string }) {
  return <span className="server-name">{serverNameLabels(name)}</span>;
}
