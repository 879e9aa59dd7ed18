// Progress of long work on a terminal (imports, syncs): a bar redrawn in place on a TTY
// ("[#######.....] 512,000 / 1,000,000 rows · 9,800/s · 50 s left"), plain lines every few
// seconds otherwise (logs, CI). Writes to standard error, so standard output stays clean.
//
// What the bar measures and what the rate counts may differ: an import's bar is bytes read of
// the file's size (known up front), its rate rows written per second
// ("[####........] 212 / 567 MB · 380,000 rows · 21,000 rows/s · 24 s left").

export type ProgressOptions = {
  /** What is counted ("rows", "lines"); "bytes" is shown in MB. */
  unit: string;
  /** When given, `update`'s `count` is shown with this unit and the rate is of it, not of `done`. */
  countUnit?: string;
  stream?: NodeJS.WriteStream;
  /** Seconds between lines when not a terminal. */
  lineEverySec?: number;
  now?: () => number;
};

export type Progress = {
  /**
   * `done` so far of `total` (when known); `note` is shown after the figures; `count` is the
   * figure of `countUnit` (rows written while `done` counts bytes read).
   */
  update(done: number, total?: number | null, note?: string, count?: number): void;
  /** A line of its own: the bar, if drawn, is cleared first (the next update draws it again). */
  print(message: string): void;
  /** The last line (the same as print). */
  finish(message: string): void;
};

const fmt = (n: number) => Math.round(n).toLocaleString("en-US");
const MB = 1_000_000;

function eta(seconds: number): string {
  if (!Number.isFinite(seconds) || seconds < 0) return "";
  if (seconds < 90) return `${Math.ceil(seconds)} s left`;
  if (seconds < 5400) return `${Math.ceil(seconds / 60)} min left`;
  return `${(seconds / 3600).toFixed(1)} h left`;
}

/** The text of one progress line (without the bar). Exported for tests. */
export function progressText(
  o: Pick<ProgressOptions, "unit" | "countUnit">,
  elapsedSec: number,
  done: number,
  total: number | null | undefined,
  note?: string,
  count?: number,
): string {
  const secs = Math.max(0.001, elapsedSec);
  const bytes = o.unit === "bytes";
  const amount = (n: number) => (bytes ? fmt(n / MB) : fmt(n));
  const unit = bytes ? "MB" : o.unit;
  const parts = [total ? `${amount(done)} / ${amount(total)} ${unit}` : `${amount(done)} ${unit}`];
  if (o.countUnit !== undefined && count !== undefined) {
    parts.push(`${fmt(count)} ${o.countUnit}`, `${fmt(count / secs)} ${o.countUnit}/s`);
  } else parts.push(bytes ? `${(done / MB / secs).toFixed(1)} MB/s` : `${fmt(done / secs)}/s`);
  const rate = done / secs;
  if (total && rate > 0 && done <= total) parts.push(eta((total - done) / rate));
  if (note) parts.push(note);
  return parts.filter(Boolean).join(" · ");
}

export function startProgress(o: ProgressOptions): Progress {
  const stream = o.stream ?? process.stderr;
  const tty = stream.isTTY === true;
  const now = o.now ?? Date.now;
  const started = now();
  let lastDraw = 0;
  let drawn = false;
  const line = (done: number, total: number | null | undefined, note?: string, count?: number) => {
    const text = progressText(o, (now() - started) / 1000, done, total, note, count);
    if (!tty || !total) return text;
    const width = 24;
    const filled = Math.min(width, Math.round((done / total) * width));
    return `[${"#".repeat(filled)}${".".repeat(width - filled)}] ${text}`;
  };
  const print = (message: string) => {
    if (tty && drawn) stream.write("\r\x1b[2K");
    drawn = false;
    stream.write(`${message}\n`);
  };
  return {
    update(done, total, note, count) {
      const t = now();
      if (tty ? t - lastDraw < 100 : t - lastDraw < (o.lineEverySec ?? 5) * 1000) return;
      lastDraw = t;
      const text = line(done, total, note, count);
      if (tty) {
        stream.write(`\r\x1b[2K${text}`);
        drawn = true;
      } else stream.write(`… ${text}\n`);
    },
    print,
    finish: print,
  };
}
