// A real HTTP webhook receiver on loopback for the webhook specs: records every POST (path,
// headers, raw body) and answers each path with the status set for it (default 200).
import http from "node:http";
import type { AddressInfo } from "node:net";
import { verifySignature } from "../../lib/webhooks/sign";

export type Received = {
  path: string;
  headers: http.IncomingHttpHeaders;
  body: string;
  json: {
    id: string;
    event: string;
    text: string;
    count: number;
    destinations: { destination: string }[];
    [k: string]: unknown;
  };
};

export type Receiver = {
  url: (path: string) => string;
  received: Received[];
  on: (path: string) => Received[];
  setStatus: (path: string, status: number) => void;
  /** Answer each request after this delay (ms). */
  setDelay: (ms: number) => void;
  verified: (r: Received, secret: string) => boolean;
  close: () => Promise<void>;
};

export async function startReceiver(): Promise<Receiver> {
  const received: Received[] = [];
  const statuses = new Map<string, number>();
  let delay = 0;
  const server = http.createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on("data", (c: Buffer) => chunks.push(c));
    req.on("end", () => {
      const body = Buffer.concat(chunks).toString("utf8");
      const path = req.url ?? "/";
      received.push({ path, headers: req.headers, body, json: JSON.parse(body) });
      setTimeout(() => {
        res.writeHead(statuses.get(path) ?? 200, { "Content-Type": "text/plain" });
        res.end("ok");
      }, delay);
    });
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: (path) => `http://127.0.0.1:${port}${path}`,
    received,
    on: (path) => received.filter((r) => r.path === path),
    setStatus: (path, status) => statuses.set(path, status),
    setDelay: (ms) => {
      delay = ms;
    },
    verified: (r, secret) =>
      verifySignature(
        secret,
        {
          signature: r.headers["x-fedconsole-signature"] as string | undefined,
          timestamp: r.headers["x-fedconsole-timestamp"] as string | undefined,
        },
        r.body,
      ),
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
