import assert from "node:assert/strict";
import { test } from "node:test";
import { progressText, startProgress } from "./progress";

test("a byte-measured bar shows MB of the size, the rows and their rate, and the time left", () => {
  const text = progressText({ unit: "bytes", countUnit: "rows" }, 10, 212_000_000, 567_000_000, undefined, 380_000);
  assert.equal(text, "212 / 567 MB · 380,000 rows · 38,000 rows/s · 17 s left");
});

test("without a total there is no time left, and the rate is of what is counted", () => {
  assert.equal(progressText({ unit: "destinations" }, 4, 12_000, null), "12,000 destinations · 3,000/s");
  assert.equal(progressText({ unit: "bytes" }, 2, 5_000_000, null), "5 MB · 2.5 MB/s");
});

type Sink = NodeJS.WriteStream & { text: string };
function sink(isTTY: boolean): Sink {
  const s = {
    isTTY,
    text: "",
    write(chunk: string) {
      s.text += chunk;
      return true;
    },
  };
  return s as unknown as Sink;
}

test("on a terminal the bar is redrawn in place; elsewhere a plain line every few seconds", () => {
  let t = 0;
  const now = () => t;
  const tty = sink(true);
  const p = startProgress({ unit: "bytes", countUnit: "rows", stream: tty, now });
  t = 1000;
  p.update(50_000_000, 100_000_000, undefined, 1_000);
  const clear = "\r\x1b[2K";
  assert.equal(
    tty.text,
    `${clear}[${"#".repeat(12)}${".".repeat(12)}] 50 / 100 MB · 1,000 rows · 1,000 rows/s · 1 s left`,
  );
  p.finish("done");
  assert.ok(tty.text.endsWith("\r\x1b[2Kdone\n"));

  const log = sink(false);
  const q = startProgress({ unit: "lines", stream: log, now, lineEverySec: 5 });
  t = 6000;
  q.update(10, null);
  t = 7000;
  q.update(20, null); // within 5 s of the last line: skipped
  t = 12000;
  q.update(30, null);
  assert.equal(log.text.split("\n").filter(Boolean).length, 2);
  assert.ok(!log.text.includes("\x1b"), "no terminal escapes in a log");
});
