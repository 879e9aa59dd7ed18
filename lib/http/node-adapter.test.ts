// The node:http side of streamed answers: backpressure (a client that stops reading stops the
// reads from the database after a few batches: memory stays bounded whatever the page size),
// and a client that goes away ends the read.
import { test } from "node:test";
import assert from "node:assert/strict";
import http from "node:http";
import net from "node:net";
import type { PageStream } from "../destinations/types";
import { serveApi } from "./node-adapter";
import { streamedPageAnswer } from "./streamed-page";

const BATCH = Array.from({ length: 1_000 }, (_, i) => `item-${i}-${"x".repeat(80)}`); // ~100 kB of JSON

test("a client that stops reading stops the reads; one that leaves closes them", async () => {
  let fetched = 0;
  const closed: unknown[] = [];
  let done = 0;
  const page: PageStream<string> = {
    total: 2_000_000n,
    next: async () => (++fetched <= 2_000 ? BATCH : null), // 2 million rows (~200 MB)
    close: async (e) => {
      closed.push(e);
    },
  };
  const server = http.createServer((req, res) => {
    void serveApi(
      async () =>
        streamedPageAnswer({
          key: "items",
          from: 0n,
          limit: 2_000_000n,
          page,
          itemJson: (s) => s,
          done: () => done++,
        }),
      req,
      res,
    );
  });
  await new Promise<void>((r) => server.listen(0, "127.0.0.1", r));
  const { port } = server.address() as net.AddressInfo;
  const client = net.connect(port, "127.0.0.1");
  let received = 0;
  client.on("data", (d) => {
    received += d.length;
    if (received > 1_000_000) client.pause(); // read ~1 MB, then stop reading
  });
  client.write(`GET / HTTP/1.1\r\nHost: x\r\n\r\n`);
  await new Promise((r) => setTimeout(r, 1_500));
  // The kernel's socket buffers (both ends) hold several MB; nothing piles up in the process.
  assert.ok(fetched < 200, `fetched ${fetched} batches (~${fetched / 10} MB) while the client read ~1 MB`);
  console.log(`batches read while the client was paused: ${fetched}`);
  const still = fetched;
  await new Promise((r) => setTimeout(r, 500));
  assert.equal(fetched, still, "no further reads while the client does not read");
  client.destroy();
  for (let i = 0; i < 50 && closed.length === 0; i++) await new Promise((r) => setTimeout(r, 20));
  assert.equal(closed.length, 1);
  assert.ok(closed[0] instanceof Error, "closed as abandoned");
  assert.equal(done, 1);
  server.close();
});
