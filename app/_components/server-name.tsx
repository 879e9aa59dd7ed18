// A server name that wraps only between its labels (after a dot, before the port), never in the
// middle of one: "bulk000.example.net" may become "bulk000.example." / "net", never
// "bulk000.example.ne" / "t". A <wbr> between labels is the only break opportunity; they add no
// text, so a copy is the name. A label of letters and digits offers no break of its own (Unicode
// line breaking joins them, and `.server-name` turns off breaking anywhere), so it is plain text;
// one with anything else (a hyphen, the port's colon, an IPv6 literal) is a span kept whole by
// `white-space: nowrap`. The list shows 100 names: a span per label was ~40 B a row.
// Styled by `.server-name` in app/globals.css (no class per label).
import { Fragment } from "react";

/** Labels that cannot break inside on their own: letters and digits, maybe the dot after them. */
const PLAIN = /^[a-z0-9]+\.?$/i;

/** The labels with a <wbr> between them; `.server-name > span` keeps the others whole. */
export function serverNameLabels(name: string) {
  return name.split(/(?<=\.)|(?=:\d+$)/).map((part, i) => (
    // biome-ignore lint/suspicious/noArrayIndexKey: labels can repeat; their position is their identity
    <Fragment key={i}>
      {i > 0 ? <wbr /> : null}
      {PLAIN.test(part) ? part : <span>{part}</span>}
    </Fragment>
  ));
}

export function ServerName({ name }: { name: string }) {
  return <span className="server-name">{serverNameLabels(name)}</span>;
}
