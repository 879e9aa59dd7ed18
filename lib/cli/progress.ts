// Progress of long work on a terminal (imports, syncs): a bar redrawn in place on a TTY
// ("[#######.....] 512,000 / 1,000,000 rows · 9,800/s · 50 s left"), plain lines every few
// seconds otherwise (logs, CI). Writes to standard error, so standard output stays clean.

export type ProgressOptions = {
  /** What is counted ("rows", "lines", "bytes"). */
  unit: string;
  stream?: NodeJS.WriteStream;
  /** Seconds between lines when not a terminal. */
  lineEverySec?: number;
  now?: () => number;
};

export type Progress = {
  /** `done` so far of `total` (when known); `note` is shown after the figures. */
  update(done: number, total?: number | null, note?: string): void;
  /** The last line, and a newline on a terminal. */
  finish(message: string): void;
};

const fmt = (n: number) => Math.round(n).toLocaleString("en-US");

function eta(seconds: number): string {
  if (!Number.isFinite(seconds) || seconds < 0) return "";
  if (seconds < 90) return `${Math.ceil(seconds)} s left`;
  if (seconds < 5400) return `${Math.ceil(seconds / 60)} min left`;
  return `${(seconds / 3600).toFixed(1)} h left`;
}

export function startProgress(o: ProgressOptions): Progress {
  const stream = o.stream ?? process.stderr;
  const tty = stream.isTTY === true;
  const now = o.now ?? Date.now;
  const started = now();
  let lastDraw = 0;
  let drawn = false;
  const line = (done: number, total: number | null | undefined, note?: string) => {
    const secs = Math.max(0.001, (now() - started) / 1000);
    const rate = done / secs;
    const parts = [total ? `${fmt(done)} / ${fmt(total)} ${o.unit}` : `${fmt(done)} ${o.unit}`, `${fmt(rate)}/s`];
    if (total && rate > 0 && done <= total) parts.push(eta((total - done) / rate));
    if (note) parts.push(note);
    const text = parts.filter(Boolean).join(" · ");
    if (!tty || !total) return text;
    const width = 24;
    const filled = Math.min(width, Math.round((done / total) * width));
    return `[${"#".repeat(filled)}${".".repeat(width - filled)}] ${text}`;
  };
  return {
    update(done, total, note) {
      const t = now();
      if (tty ? t - lastDraw < 100 : t - lastDraw < (o.lineEverySec ?? 5) * 1000) return;
      lastDraw = t;
      const text = line(done, total, note);
      if (tty) {
        stream.write(`\r\x1b[2K${text}`);
        drawn = true;
      } else stream.write(`… ${text}\n`);
    },
    finish(message) {
      if (tty && drawn) stream.write("\r\x1b[2K");
      stream.write(`${message}\n`);
    },
  };
}
