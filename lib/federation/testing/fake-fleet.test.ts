import { after, before, test } from "node:test";
import assert from "node:assert/strict";
import https from "node:https";
import { X509Certificate } from "node:crypto";
import { FAKE_SERVER_SOFTWARE, VERSION_PATH, WELL_KNOWN_PATH, startFakeFleet, type FakeFleet } from "./fake-fleet";

let fleet: FakeFleet;

before(async () => {
  fleet = await startFakeFleet([
    { name: "a", behaviour: "healthy" },
    { name: "b", behaviour: "down" },
    { name: "wk", behaviour: { kind: "wellKnown", delegateTo: "a" } },
  ]);
});
after(() => fleet.close());

type Reply = { status: number; body: string } | { error: string };

// ca null: trust only Node's default roots.
function get(port: number, path: string, ca: string | null = fleet.caPem): Promise<Reply> {
  return new Promise((resolve) => {
    const req = https.get(
      { host: "127.0.0.1", port, path, ca: ca ?? undefined, servername: "localhost", agent: false },
      (res) => {
        let body = "";
        res.setEncoding("utf8");
        res.on("data", (chunk: string) => (body += chunk));
        res.on("end", () => resolve({ status: res.statusCode ?? 0, body }));
      },
    );
    req.on("error", (error: NodeJS.ErrnoException) => resolve({ error: error.code ?? error.message }));
  });
}

function statusOf(reply: Reply): number | string {
  return "status" in reply ? reply.status : reply.error;
}

test("the CA and certificates: loopback names, an expired one, a wrong-name one", () => {
  const ca = new X509Certificate(fleet.caPem);
  const valid = new X509Certificate(fleet.certificates.valid.certPem);
  assert.ok(ca.ca);
  assert.ok(valid.checkIssued(ca) && valid.verify(ca.publicKey));
  assert.equal(valid.checkHost("localhost"), "localhost");
  assert.equal(valid.checkIP("127.0.0.1"), "127.0.0.1");
  assert.equal(valid.checkIP("::1"), "::1");
  assert.ok(new Date(new X509Certificate(fleet.certificates.expired.certPem).validTo) < new Date());
  assert.equal(new X509Certificate(fleet.certificates.wrongName.certPem).checkHost("localhost"), undefined);
});

test("healthy answers the version; requests are counted by path", async () => {
  const a = fleet.server("a");
  a.resetCounts();
  assert.deepEqual(await get(a.port, VERSION_PATH), {
    status: 200,
    body: JSON.stringify({ server: FAKE_SERVER_SOFTWARE }),
  });
  assert.equal(statusOf(await get(a.port, WELL_KNOWN_PATH)), 404);
  assert.equal(a.requests.count(VERSION_PATH), 1);
  assert.equal(a.requests.total, 2);
  assert.equal(a.serverName, `127.0.0.1:${a.port}`);
});

test("wellKnown delegates to another member", async () => {
  const reply = await get(fleet.server("wk").port, WELL_KNOWN_PATH);
  assert.deepEqual(reply, { status: 200, body: JSON.stringify({ "m.server": `localhost:${fleet.server("a").port}` }) });
});

test("setBehaviour: down closes the port, coming back reopens the same port; certificates switch", async () => {
  const b = fleet.server("b");
  assert.deepEqual(await get(b.port, VERSION_PATH), { error: "ECONNREFUSED" });
  await b.setBehaviour("status429");
  assert.equal(statusOf(await get(b.port, VERSION_PATH)), 429);
  await b.setBehaviour("expiredCert");
  assert.deepEqual(await get(b.port, VERSION_PATH), { error: "CERT_HAS_EXPIRED" });
  await b.setBehaviour("healthy");
  assert.deepEqual(await get(b.port, VERSION_PATH, null), { error: "UNABLE_TO_VERIFY_LEAF_SIGNATURE" });
  await b.setBehaviour("down");
  assert.deepEqual(await get(b.port, VERSION_PATH), { error: "ECONNREFUSED" });
});

test("unknown member names are an error", () => {
  assert.throws(() => fleet.server("nope"), /no server named "nope"/);
});
