// The node:http request as the router sees it must be what a standard Request would give:
// the same path (dot segments resolved, percent-encoding kept), query, headers and body text.
import { test } from "node:test";
import assert from "node:assert/strict";
import http from "node:http";
import net from "node:net";
import { type ApiRequest, fromFetchRequest, fromNodeRequest } from "./api-request";

type Seen = { pathname: string; query: [string, string][]; auth: string | null; multi: string | null; body: string };
const seen = (r: ApiRequest, body: string): Seen => ({
  pathname: r.pathname,
  query: [...r.query],
  auth: r.headers.get("Authorization"),
  multi: r.headers.get("x-multi"),
  body,
});

/** Sends raw request bytes and returns what fromNodeRequest made of them. */
async function viaNode(raw: string): Promise<{ req: ApiRequest; body: string }> {
  return new Promise((resolve, reject) => {
    const server = http.createServer(async (req, res) => {
      const r = await fromNodeRequest(req);
      resolve({ req: r, body: await r.text() });
      res.end();
      server.close();
    });
    server.listen(0, "127.0.0.1", () => {
      const { port } = server.address() as net.AddressInfo;
      const c = net.connect(port, "127.0.0.1", () => c.end(raw));
      c.on("error", reject);
      c.resume();
    });
  });
}

const TARGETS = [
  "/_synapse/admin/v1/federation/destinations?from=10&limit=5&dir=b",
  "/_synapse/admin/v1/federation/destinations/matrix.org/rooms",
  "/_synapse/admin/v1/federation/destinations/a%2Fb%20c?destination=x%26y&destination=z",
  "/_synapse/admin/v1/federation/destinations/../destinations/x",
  "/_synapse/admin/v1/federation/destinations/%2e%2E/y",
  "/_synapse/admin/v1/federation/destinations/./z?q=+plus+",
  "/.well-known/matrix/client",
  "/_fedconsole/v1/destinations?destination=%E2%9C%93",
  "/_fedconsole/v1//double//slash?a&b=&=c",
];

test("a node:http request reads like the standard Request for the same target", async () => {
  for (const target of TARGETS) {
    const raw =
      `POST ${target} HTTP/1.1\r\nHost: console.example:3000\r\nAuthorization: Bearer abc\r\n` +
      `X-Multi: one\r\nX-Multi: two\r\nContent-Length: 10\r\nConnection: close\r\n\r\n\uFEFF{"a":1}`;
    const node = await viaNode(raw);
    const h = new Headers({ authorization: "Bearer abc" });
    h.append("x-multi", "one");
    h.append("x-multi", "two");
    const std = new Request(`http://console.example:3000${target}`, {
      method: "POST",
      headers: h,
      body: new Uint8Array(Buffer.from('\uFEFF{"a":1}')),
    });
    const f = fromFetchRequest(std);
    assert.deepEqual(seen(node.req, node.body), seen(f, await f.text()), target);
    assert.equal(node.req.method, "POST");
    assert.equal(node.req.url, `http://console.example:3000${target}`);
    assert.equal(node.body, '{"a":1}', "the BOM is dropped as Request.text() drops it");
  }
});
