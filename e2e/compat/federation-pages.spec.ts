// The Federation pages of Ketesa / synapse-admin, with the requests exactly as their data
// providers build them: list (sort, search), details, rooms tab, room names, "Reconnect".
import { test, expect, seed, tokens, type SeedDestination } from "../support/fixtures";
import { FED } from "../support/fixtures";
import { ORDER_COLUMNS, detailsOf, expectedOrder, listItem, raw } from "../api/helpers";
import { MISSING_TOKEN, UNKNOWN_TOKEN, expectCors, expectMatrixError } from "./compat-helpers";

const ROWS: SeedDestination[] = [
  {
    destination: "matrix.example.org:8448",
    retry_last_ts: 1759927471863,
    retry_interval: 18639586,
    failure_ts: 1759466518121,
    last_successful_stream_ordering: 1910209,
    rooms: [
      { room_id: "!aaa:example.org", stream_ordering: 10 },
      { room_id: "!bbb:example.org", stream_ordering: 30 },
      { room_id: "!ccc:example.org", stream_ordering: 20 },
    ],
  },
  { destination: "healthy.example", retry_last_ts: 0, retry_interval: 0, last_successful_stream_ordering: 500 },
  { destination: "other.example.net", retry_last_ts: 100, retry_interval: 200, failure_ts: 50 },
];

/** Ketesa's jsonClient: Accept JSON and the bearer token; a body only when there is one. */
const ui = (method: string, path: string, token = tokens().operator) =>
  raw(method, path, { headers: { Accept: "application/json", Authorization: `Bearer ${token}` } });

test.describe("Federation pages as the admin UIs call them", () => {
  test("list: from=0&limit=50&order_by=<column>&dir=<f|b> for every sortable column, with total", async () => {
    await seed(ROWS);
    for (const col of ORDER_COLUMNS) {
      for (const dir of ["f", "b"] as const) {
        const res = await ui("GET", `${FED}?from=0&limit=50&order_by=${col}&dir=${dir}`);
        expect(res.status, `${col} ${dir}`).toBe(200);
        expectCors(res);
        const body = res.json();
        expect(body.total, `${col} ${dir}`).toBe(3);
        expect(
          body.destinations.map((d: { destination: string }) => d.destination),
          `${col} ${dir}`,
        ).toEqual(expectedOrder(ROWS, col, dir));
      }
    }
    const first = (await ui("GET", `${FED}?from=0&limit=50&order_by=destination&dir=f`)).json();
    expect(first.destinations).toEqual(
      expectedOrder(ROWS).map((d) => listItem(ROWS.find((r) => r.destination === d)!)),
    );
  });

  test("search: &destination= filters and total counts the matches", async () => {
    await seed(ROWS);
    const res = (await ui("GET", `${FED}?from=0&limit=50&order_by=destination&dir=f&destination=EXAMPLE.org`)).json();
    expect(res).toEqual({ destinations: [listItem(ROWS[0])], total: 1 });
  });

  test("details at …/destinations/<percent-encoded name> include destination", async () => {
    await seed(ROWS);
    const res = await ui("GET", `${FED}/${encodeURIComponent("matrix.example.org:8448")}`);
    expect(res.status).toBe(200);
    expectCors(res);
    expect(res.json()).toEqual(detailsOf(ROWS[0]));
    expect(res.json().destination).toBe("matrix.example.org:8448");
  });

  test("rooms tab: …/destinations/<raw name>/rooms?from=0&limit=10&order_by=id&dir=b — order_by is ignored, as Synapse does", async () => {
    await seed(ROWS);
    const res = await ui("GET", `${FED}/matrix.example.org:8448/rooms?from=0&limit=10&order_by=id&dir=b`);
    expect(res.status, res.text).toBe(200);
    expectCors(res);
    // Synapse orders a destination's rooms by room_id; dir=b reverses that
    expect(res.json()).toEqual({
      rooms: [
        { room_id: "!ccc:example.org", stream_ordering: 20 },
        { room_id: "!bbb:example.org", stream_ordering: 30 },
        { room_id: "!aaa:example.org", stream_ordering: 10 },
      ],
      total: 3,
    });
  });

  test("room names: GET /_synapse/admin/v1/rooms/<room_id> → 404 M_NOT_FOUND (names are unknown here); 401 without a token", async () => {
    await seed(ROWS);
    for (const path of [
      "/_synapse/admin/v1/rooms/!aaa:example.org",
      `/_synapse/admin/v1/rooms/${encodeURIComponent("!aaa:example.org")}`,
    ]) {
      expectMatrixError(
        await ui("GET", path, tokens().viewer),
        404,
        { errcode: "M_NOT_FOUND", error: "Room not found" },
        path,
      );
      expectMatrixError(await raw("GET", path), 401, MISSING_TOKEN, path);
    }
  });

  test("Reconnect: POST …/reset_connection with no body and no Content-Type → 200 {}", async () => {
    await seed(ROWS);
    const res = await ui("POST", `${FED}/${encodeURIComponent("matrix.example.org:8448")}/reset_connection`);
    expect(res.status, res.text).toBe(200);
    expectCors(res);
    expect(res.json()).toEqual({});
    expect((await ui("GET", `${FED}/matrix.example.org:8448`)).json()).toMatchObject({
      retry_last_ts: 0,
      retry_interval: 0,
      failure_ts: null,
    });
  });

  test("every 401 on these pages is a JSON {errcode, error} with CORS", async () => {
    await seed(ROWS);
    for (const [m, p] of [
      ["GET", FED],
      ["GET", `${FED}/healthy.example`],
      ["GET", `${FED}/healthy.example/rooms`],
      ["POST", `${FED}/other.example.net/reset_connection`],
    ] as const) {
      expectMatrixError(await raw(m, p), 401, MISSING_TOKEN, `${m} ${p}`);
      expectMatrixError(
        await raw(m, p, { headers: { Authorization: "Bearer revoked-or-wrong" } }),
        401,
        UNKNOWN_TOKEN,
        `${m} ${p}`,
      );
    }
  });
});
