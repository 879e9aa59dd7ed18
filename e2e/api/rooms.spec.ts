// GET /_synapse/admin/v1/federation/destinations/<destination>/rooms — Synapse's
// DestinationMembershipTestCase plus the contract's paging and error rules.
import { test, expect, seed, call, FED, type SeedDestination } from "../support/fixtures";
import { ERR, expectError, expectRawInt, expectApiHeaders } from "./helpers";

const DEST = "sub0.example.com";
const URL_ = `${FED}/${DEST}/rooms`;

type Room = { room_id: string; stream_ordering: number };

/** n rooms with ids whose order is the same under any collation (same shape, zero-padded). */
function rooms(n: number, server = "example.org", base = 1234): Room[] {
  // inserted in a scrambled order so the response order cannot come from insertion order
  const all = Array.from({ length: n }, (_, i) => ({
    room_id: `!room${String(i).padStart(3, "0")}:${server}`,
    stream_ordering: base + ((i * 37) % 101),
  }));
  return [...all.filter((_, i) => i % 2 === 0).reverse(), ...all.filter((_, i) => i % 2 === 1)];
}
const sortedAsc = (rs: Room[]) => [...rs].sort((a, b) => (a.room_id < b.room_id ? -1 : a.room_id > b.room_id ? 1 : 0));

async function seedRooms(rs: { room_id: string; stream_ordering: bigint | number }[], extra: SeedDestination[] = []) {
  await seed([{ destination: DEST, retry_last_ts: 0, retry_interval: 0, rooms: rs }, ...extra]);
}

test.describe("destination rooms", () => {
  test("lists the destination's rooms with room_id and stream_ordering (Synapse test_destination_rooms)", async ({
    request,
  }) => {
    const rs = rooms(3);
    await seedRooms(rs);
    const res = await call(request, "GET", URL_);
    expect(res.status).toBe(200);
    expectApiHeaders(res);
    expect(res.json()).toEqual({ rooms: sortedAsc(rs), total: 3 });
  });

  test('limit=3 of 5 → next_token "3" (Synapse test_limit)', async ({ request }) => {
    const rs = rooms(5);
    await seedRooms(rs);
    const body = (await call(request, "GET", `${URL_}?limit=3`)).json();
    expect(body).toEqual({ rooms: sortedAsc(rs).slice(0, 3), total: 5, next_token: "3" });
  });

  test("from=5 of 10 → 5 rooms, no next_token (Synapse test_from)", async ({ request }) => {
    const rs = rooms(10);
    await seedRooms(rs);
    const body = (await call(request, "GET", `${URL_}?from=5`)).json();
    expect(body).toEqual({ rooms: sortedAsc(rs).slice(5), total: 10 });
  });

  test('from=3&limit=5 of 10 → next_token "8" (Synapse test_limit_and_from)', async ({ request }) => {
    const rs = rooms(10);
    await seedRooms(rs);
    const body = (await call(request, "GET", `${URL_}?from=3&limit=5`)).json();
    expect(body).toEqual({ rooms: sortedAsc(rs).slice(3, 8), total: 10, next_token: "8" });
  });

  test("dir=f and dir=b are reverse orders by room_id (Synapse test_order_direction)", async ({ request }) => {
    const rs = rooms(4);
    await seedRooms(rs);
    const asc = (await call(request, "GET", `${URL_}?dir=f`)).json();
    const desc = (await call(request, "GET", `${URL_}?dir=b`)).json();
    expect(asc).toEqual({ rooms: sortedAsc(rs), total: 4 });
    expect(desc).toEqual({ rooms: sortedAsc(rs).reverse(), total: 4 });
  });

  test('dir=b with paging (the reference example: from=1&limit=2&dir=b of 7 → next_token "3")', async ({ request }) => {
    const rs = rooms(7);
    await seedRooms(rs);
    const body = (await call(request, "GET", `${URL_}?from=1&limit=2&dir=b`)).json();
    expect(body).toEqual({ rooms: sortedAsc(rs).reverse().slice(1, 3), total: 7, next_token: "3" });
  });

  test("next_token appears only when from + limit < total (Synapse test_next_token)", async ({ request }) => {
    const rs = rooms(5);
    await seedRooms(rs);
    for (const limit of [5, 6]) {
      const body = (await call(request, "GET", `${URL_}?limit=${limit}`)).json();
      expect(body, `limit=${limit}`).toEqual({ rooms: sortedAsc(rs), total: 5 });
    }
    const b4 = (await call(request, "GET", `${URL_}?limit=4`)).json();
    expect(b4).toEqual({ rooms: sortedAsc(rs).slice(0, 4), total: 5, next_token: "4" });
    const rest = (await call(request, "GET", `${URL_}?from=4`)).json();
    expect(rest).toEqual({ rooms: sortedAsc(rs).slice(4), total: 5 });
  });

  test('limit=0 → next_token "0"; from beyond total → empty, no next_token', async ({ request }) => {
    const rs = rooms(5);
    await seedRooms(rs);
    expect((await call(request, "GET", `${URL_}?limit=0`)).json()).toEqual({ rooms: [], total: 5, next_token: "0" });
    expect((await call(request, "GET", `${URL_}?from=5`)).json()).toEqual({ rooms: [], total: 5 });
    expect((await call(request, "GET", `${URL_}?from=100&limit=2`)).json()).toEqual({ rooms: [], total: 5 });
  });

  test("only the destination's own rooms are listed (Synapse test_room_filtering)", async ({ request }) => {
    const mine = rooms(2, "mine.org", 10);
    const other = rooms(1, "other.org", 20);
    await seedRooms(mine, [
      { destination: "other.destination.org", rooms: [...other, ...mine.map((r) => ({ ...r, stream_ordering: 99 }))] },
    ]);
    const a = (await call(request, "GET", URL_)).json();
    expect(a).toEqual({ rooms: sortedAsc(mine), total: 2 });
    const b = (await call(request, "GET", `${FED}/other.destination.org/rooms`)).json();
    expect(b).toEqual({ rooms: sortedAsc([...other, ...mine.map((r) => ({ ...r, stream_ordering: 99 }))]), total: 3 });
  });

  test('a known destination without rooms → 200 {"rooms":[],"total":0}', async ({ request }) => {
    await seed([
      { destination: "norooms.example.com", retry_last_ts: 5, retry_interval: 5 },
      { destination: DEST, rooms: rooms(2) },
    ]);
    const res = await call(request, "GET", `${FED}/norooms.example.com/rooms`);
    expect(res.status).toBe(200);
    expect(res.json()).toEqual({ rooms: [], total: 0 });
    expect((await call(request, "GET", `${FED}/norooms.example.com/rooms?limit=0`)).json()).toEqual({
      rooms: [],
      total: 0,
    });
  });

  test("invalid parameters → 400 M_INVALID_PARAM (Synapse test_invalid_parameter)", async ({ request }) => {
    await seedRooms(rooms(3));
    expectError(await call(request, "GET", `${URL_}?limit=-5`), 400, ERR.negative("limit"));
    expectError(await call(request, "GET", `${URL_}?from=-5`), 400, ERR.negative("from"));
    expectError(await call(request, "GET", `${URL_}?dir=bar`), 400, ERR.dir);
    for (const v of ["1.5", "abc", "", "1e2"]) {
      expectError(await call(request, "GET", `${URL_}?limit=${v}`), 400, ERR.notInteger("limit"));
      expectError(await call(request, "GET", `${URL_}?from=${v}`), 400, ERR.notInteger("from"));
    }
  });

  test("unknown destination → 404 M_NOT_FOUND, also with bad parameters (404 before 400)", async ({ request }) => {
    await seedRooms(rooms(3));
    expectError(await call(request, "GET", `${FED}/invalid/rooms`), 404, ERR.notFound);
    for (const q of ["limit=-5", "from=-5", "dir=bar", "from=abc", "limit=1.5"]) {
      expectError(await call(request, "GET", `${FED}/invalid/rooms?${q}`), 404, ERR.notFound);
    }
  });

  test("stream orderings above 2^53 are exact (raw text)", async ({ request }) => {
    await seedRooms([
      { room_id: "!a:example.org", stream_ordering: 9223372036854775807n },
      { room_id: "!b:example.org", stream_ordering: 9007199254740993n },
    ]);
    const res = await call(request, "GET", URL_);
    expect(res.status).toBe(200);
    expect(res.text).toMatch(
      /"room_id"\s*:\s*"!a:example\.org"\s*,\s*"stream_ordering"\s*:\s*9223372036854775807(?![0-9.eE])/,
    );
    expect(res.text).toMatch(
      /"room_id"\s*:\s*"!b:example\.org"\s*,\s*"stream_ordering"\s*:\s*9007199254740993(?![0-9.eE])/,
    );
    expectRawInt(res.text, "total", "2");
  });

  test("viewer may list rooms", async ({ request }) => {
    const rs = rooms(2);
    await seedRooms(rs);
    const res = await call(request, "GET", URL_, "viewer");
    expect(res.status).toBe(200);
    expect(res.json()).toEqual({ rooms: sortedAsc(rs), total: 2 });
  });

  test("room ids with special characters are returned as stored", async ({ request }) => {
    const rs: Room[] = [
      { room_id: "!üñí:example.org", stream_ordering: 3 },
      { room_id: "!a%2Fb_%:example.org", stream_ordering: 2 },
      { room_id: '!"quote\\:example.org', stream_ordering: 1 },
    ];
    await seed([{ destination: "x.example", rooms: rs }]);
    const body = (await call(request, "GET", `${FED}/x.example/rooms`)).json();
    expect(body.total).toBe(3);
    expect([...body.rooms].sort((a: Room, b: Room) => a.room_id.localeCompare(b.room_id))).toEqual(
      [...rs].sort((a, b) => a.room_id.localeCompare(b.room_id)),
    );
  });
});
