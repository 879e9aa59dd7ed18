// POST /_synapse/admin/v1/federation/destinations/<destination>/reset_connection
import { test, expect, seed, call, db, FED, type SeedDestination } from "../support/fixtures";
import { ERR, detailsOf, enc, expectError, expectApiHeaders, raw } from "./helpers";

const FAILING: SeedDestination = {
  destination: "dead.example.com",
  retry_last_ts: 1759927471863,
  retry_interval: 18639586,
  failure_ts: 1759466518121,
  last_successful_stream_ordering: 1910209,
};

async function storedTimings(destination: string) {
  const r = await db().query(
    "SELECT retry_last_ts::text AS rlt, retry_interval::text AS ri, failure_ts::text AS fts, last_successful_stream_ordering::text AS lsso FROM destinations WHERE destination = $1",
    [destination],
  );
  return r.rows[0] as { rlt: string; ri: string; fts: string | null; lsso: string | null } | undefined;
}

async function resetAudits(destination: string) {
  const r = await db().query(
    "SELECT actor, via, action, destination FROM audit_events WHERE destination = $1 AND action = 'destination.reset' ORDER BY id",
    [destination],
  );
  return r.rows as { actor: string; via: string; action: string; destination: string }[];
}

function expectResetOk(res: { status: number; text: string; json: () => any }) {
  expect(res.status, res.text).toBe(200);
  expect(res.json()).toEqual({});
}

test.describe("reset connection", () => {
  test("reset of a failing destination → 200 {} and cleared timings (Synapse test_destination_reset_connection)", async ({
    request,
  }) => {
    await seed([{ destination: "sub0.example.com", failure_ts: 100, retry_last_ts: 100, retry_interval: 100 }]);
    const res = await call(request, "POST", `${FED}/sub0.example.com/reset_connection`, "admin", "{}");
    expectResetOk(res);
    expectApiHeaders(res);
    expect(await storedTimings("sub0.example.com")).toEqual({ rlt: "0", ri: "0", fts: null, lsso: null });
  });

  test("after a reset, details show cleared timings and keep the stream ordering (reference example)", async ({
    request,
  }) => {
    await seed([FAILING, { destination: "other.example", retry_last_ts: 5, retry_interval: 6, failure_ts: 4 }]);
    const before = (await call(request, "GET", `${FED}/dead.example.com`)).json();
    expect(before).toEqual(detailsOf(FAILING));
    expectResetOk(await call(request, "POST", `${FED}/dead.example.com/reset_connection`, "admin", "{}"));
    const after = await call(request, "GET", `${FED}/dead.example.com`);
    expect(after.json()).toEqual({
      destination: "dead.example.com",
      last_successful_stream_ordering: 1910209,
      failure_ts: null,
      retry_last_ts: 0,
      retry_interval: 0,
    });
    // the list agrees, and other destinations are untouched
    const list = (await call(request, "GET", FED)).json();
    expect(list.destinations).toContainEqual({
      destination: "dead.example.com",
      retry_last_ts: 0,
      retry_interval: 0,
      failure_ts: null,
      last_successful_stream_ordering: 1910209,
    });
    expect(await storedTimings("other.example")).toEqual({ rlt: "5", ri: "6", fts: "4", lsso: null });
  });

  test("reset not needed (retry_last_ts 0) → 400 M_UNKNOWN with Synapse's text (Synapse test_destination_reset_connection_not_required)", async ({
    request,
  }) => {
    await seed([{ destination: "sub0.example.com", failure_ts: null, retry_last_ts: 0, retry_interval: 0 }]);
    const res = await call(request, "POST", `${FED}/sub0.example.com/reset_connection`, "admin", "{}");
    expectError(res, 400, ERR.resetNotNeeded);
    expectApiHeaders(res);
  });

  test("reset not needed even when failure_ts / retry_interval are stored with retry_last_ts 0", async ({
    request,
  }) => {
    await seed([{ destination: "half.example", failure_ts: 123, retry_last_ts: 0, retry_interval: 600000 }]);
    expectError(
      await call(request, "POST", `${FED}/half.example/reset_connection`, "admin", "{}"),
      400,
      ERR.resetNotNeeded,
    );
    expect(await storedTimings("half.example")).toEqual({ rlt: "0", ri: "600000", fts: "123", lsso: null });
  });

  test("a second reset is not needed", async ({ request }) => {
    await seed([FAILING]);
    expectResetOk(await call(request, "POST", `${FED}/dead.example.com/reset_connection`, "admin", "{}"));
    expectError(
      await call(request, "POST", `${FED}/dead.example.com/reset_connection`, "admin", "{}"),
      400,
      ERR.resetNotNeeded,
    );
  });

  test("unknown destination → 404 M_NOT_FOUND (Synapse test_invalid_parameter)", async ({ request }) => {
    await seed([FAILING]);
    const res = await call(request, "POST", `${FED}/dummy/reset_connection`, "admin", "{}");
    expectError(res, 404, ERR.notFound);
    expectApiHeaders(res);
    expectError(
      await call(request, "POST", `${FED}/DEAD.example.com/reset_connection`, "admin", "{}"),
      404,
      ERR.notFound,
    );
  });

  test("reset with no body and no Content-Type → 200 {}", async () => {
    await seed([FAILING]);
    const res = await raw("POST", `${FED}/dead.example.com/reset_connection`, { role: "admin" });
    expectResetOk(res);
    expect(await storedTimings("dead.example.com")).toEqual({ rlt: "0", ri: "0", fts: null, lsso: "1910209" });
  });

  test("reset with an empty body and Content-Type: application/json → 200 {}", async () => {
    await seed([FAILING]);
    const res = await raw("POST", `${FED}/dead.example.com/reset_connection`, {
      role: "admin",
      headers: { "Content-Type": "application/json" },
      body: "",
    });
    expectResetOk(res);
  });

  test("reset with a non-JSON body (even labelled JSON) is accepted; the body is ignored", async () => {
    for (const [ct, body] of [
      ["application/json", "not json {"],
      ["text/plain", "hello"],
      ["application/json", "[1,2"],
      ["application/x-www-form-urlencoded", "a=b"],
    ]) {
      await seed([FAILING]);
      const res = await raw("POST", `${FED}/dead.example.com/reset_connection`, {
        role: "admin",
        headers: { "Content-Type": ct },
        body,
      });
      expectResetOk(res);
      expect(await storedTimings("dead.example.com"), `${ct}: ${body}`).toEqual({
        rlt: "0",
        ri: "0",
        fts: null,
        lsso: "1910209",
      });
    }
  });

  test("reset with a JSON body carrying fields: the fields are ignored", async ({ request }) => {
    await seed([FAILING]);
    expectResetOk(
      await call(
        request,
        "POST",
        `${FED}/dead.example.com/reset_connection`,
        "admin",
        JSON.stringify({ retry_interval: 5, destination: "x" }),
      ),
    );
    expect(await storedTimings("dead.example.com")).toEqual({ rlt: "0", ri: "0", fts: null, lsso: "1910209" });
  });

  test("roles: viewer → 403 M_FORBIDDEN and nothing changes; operator and admin may reset", async ({ request }) => {
    await seed([FAILING, { destination: "b.example", retry_last_ts: 1, retry_interval: 1 }]);
    const v = await call(request, "POST", `${FED}/dead.example.com/reset_connection`, "viewer", "{}");
    expect(v.status).toBe(403);
    expect(v.json().errcode).toBe("M_FORBIDDEN");
    expect(typeof v.json().error).toBe("string");
    expectApiHeaders(v);
    expect(await storedTimings("dead.example.com")).toEqual({
      rlt: "1759927471863",
      ri: "18639586",
      fts: "1759466518121",
      lsso: "1910209",
    });
    expectResetOk(await call(request, "POST", `${FED}/dead.example.com/reset_connection`, "operator", "{}"));
    expectResetOk(await call(request, "POST", `${FED}/b.example/reset_connection`, "admin", "{}"));
  });

  test("viewer is refused before the destination is looked up (403 on unknown and not-needed)", async ({ request }) => {
    await seed([{ destination: "fine.example" }]);
    for (const d of ["dummy", "fine.example"]) {
      const res = await call(request, "POST", `${FED}/${d}/reset_connection`, "viewer", "{}");
      expect(res.status, d).toBe(403);
      expect(res.json().errcode).toBe("M_FORBIDDEN");
    }
  });

  test("timings above 2^53 reset too", async ({ request }) => {
    await seed([
      {
        destination: "big.example",
        retry_last_ts: 9223372036854775807n,
        retry_interval: 9007199254740993n,
        failure_ts: 9007199254740993n,
      },
    ]);
    expectResetOk(await call(request, "POST", `${FED}/big.example/reset_connection`, "admin", "{}"));
    expect(await storedTimings("big.example")).toEqual({ rlt: "0", ri: "0", fts: null, lsso: null });
  });

  test("audit: a reset via the API writes audit_events (actor email, via 'api', action 'destination.reset', destination)", async ({
    request,
  }) => {
    const name = `audit-${Date.now()}.example`;
    await seed([{ ...FAILING, destination: name }]);
    expect(await resetAudits(name)).toEqual([]);
    expectResetOk(await call(request, "POST", `${FED}/${enc(name)}/reset_connection`, "operator", "{}"));
    expect(await resetAudits(name)).toEqual([
      { actor: "operator@e2e.test", via: "api", action: "destination.reset", destination: name },
    ]);
  });

  test("audit: refused or unnecessary resets record no destination.reset", async ({ request }) => {
    const name = `noaudit-${Date.now()}.example`;
    const fine = `fine-${Date.now()}.example`;
    await seed([{ ...FAILING, destination: name }, { destination: fine }]);
    expect((await call(request, "POST", `${FED}/${enc(name)}/reset_connection`, "viewer", "{}")).status).toBe(403);
    expect((await call(request, "POST", `${FED}/${enc(fine)}/reset_connection`, "admin", "{}")).status).toBe(400);
    expect(await resetAudits(name)).toEqual([]);
    expect(await resetAudits(fine)).toEqual([]);
  });
});
