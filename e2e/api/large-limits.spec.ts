// Large `limit`s (Synapse has no cap, so neither do we): above 1,000 the list and rooms answers
// are written as their rows arrive, and must be byte for byte what the buffered answer of the
// same page is — Synapse's exact JSON, exact 64-bit integers, next_token rules. (Memory and
// the bound on concurrent large answers: e2e/process/large-answers.spec.ts.)
import { test, expect, db, FED, seed } from "../support/fixtures";
import { expectApiHeaders, raw } from "./helpers";

const HUGE = "9223372036854775807";
const N = 1_200; // over one batch of the streamed read, and over the 1,000 that still buffer
const ROOM_DEST = "d0001.example.org";

/** N destinations with ties, NULLs and integers above 2^53; N rooms on ROOM_DEST. */
async function fill() {
  await seed([]);
  await db().query(
    `INSERT INTO destinations (destination, retry_last_ts, retry_interval, failure_ts, last_successful_stream_ordering)
     SELECT 'd' || lpad(i::text, 4, '0') || CASE WHEN i % 3 = 0 THEN '.Example.org' ELSE '.example.org' END,
            CASE WHEN i % 10 < 7 THEN 0 ELSE 1700000000000 + (i % 50) END,
            CASE WHEN i % 10 < 7 THEN 0 WHEN i % 97 = 0 THEN 9007199254740993 ELSE 600000 * (i % 13) END,
            CASE WHEN i % 4 = 0 THEN NULL ELSE 1699000000000 + (i % 31) END,
            CASE WHEN i % 10 = 0 THEN NULL ELSE 9223372036854775807 - i END
     FROM generate_series(0, $1 - 1) AS i`,
    [N],
  );
  await db().query(
    `INSERT INTO destination_rooms (destination, room_id, stream_ordering)
     SELECT $2, '!r' || lpad(((i * 7) % $1)::text, 5, '0') || ':example.org', 9007199254740993 + i FROM generate_series(0, $1 - 1) i`,
    [N, ROOM_DEST],
  );
}

/** The raw items array text of a buffered answer (between `[` and `]`). */
const itemsOf = (text: string, key: string) => {
  const start = text.indexOf("[", key.length) + 1;
  return text.slice(start, text.lastIndexOf("]"));
};

/** The page read with buffered pages of at most 1,000, assembled as the one answer would be. */
async function pagedRead(path: string, key: string, from: number, limit: bigint): Promise<string> {
  const marker = key === "rooms" ? '{"room_id"' : '{"destination"';
  const sep = path.includes("?") ? "&" : "?";
  const parts: string[] = [];
  let returned = 0n;
  let total = 0n;
  while (returned < limit) {
    const size = limit - returned < 1000n ? limit - returned : 1000n;
    const r = await raw("GET", `${path}${sep}from=${BigInt(from) + returned}&limit=${size}`, { role: "viewer" });
    expect(r.status).toBe(200);
    expect(r.headers["content-length"]).toBeDefined(); // the buffered fast path
    total = BigInt(/"total":(\d+)/.exec(r.text)![1]);
    const items = itemsOf(r.text, key);
    const count = BigInt(items ? items.split(marker).length - 1 : 0);
    if (count > 0n) parts.push(items);
    returned += count;
    if (count < size) break;
  }
  const token = BigInt(from) + limit < total ? `,"next_token":"${BigInt(from) + returned}"` : "";
  return `{"${key}":[${parts.join(",")}],"total":${total}${token}}`;
}

test.describe.configure({ mode: "serial" });

test.beforeAll(fill);

test("list: a huge limit streams exactly the paged read, for every order, direction, depth and filter", async () => {
  const cases: [string, number, bigint][] = [
    ["", 0, BigInt(HUGE)],
    ["order_by=retry_interval&dir=b", 0, BigInt(HUGE)],
    ["order_by=failure_ts", 17, BigInt(HUGE)],
    ["order_by=last_successful_stream_ordering&dir=b", 600, BigInt(HUGE)],
    ["order_by=retry_last_ts", 0, 1_001n], // streamed, with a next_token
    ["destination=EXAMPLE.org", 3, BigInt(HUGE)],
    ["", N + 10, BigInt(HUGE)], // past the end: empty, no next_token
  ];
  for (const [params, from, limit] of cases) {
    const path = params ? `${FED}?${params}` : FED;
    const r = await raw("GET", `${path}${params ? "&" : "?"}from=${from}&limit=${limit}`, { role: "viewer" });
    expect(r.status).toBe(200);
    expectApiHeaders(r);
    expect(r.headers["transfer-encoding"]).toBe("chunked"); // written as the rows arrive
    expect(r.text, `${params} from=${from} limit=${limit}`).toBe(await pagedRead(path, "destinations", from, limit));
  }
});

test("list: the streamed answer equals the buffered one byte for byte where both apply", async () => {
  // total 1,200: limit=1000 is buffered, limit=1001 streamed; from=300 gives both every row left.
  for (const params of ["", "order_by=retry_interval&dir=b", "destination=.Example"]) {
    const p = params ? `${FED}?${params}&from=300` : `${FED}?from=300`;
    const buffered = await raw("GET", `${p}&limit=1000`, { role: "viewer" });
    const streamed = await raw("GET", `${p}&limit=1001`, { role: "viewer" });
    expect(buffered.headers["content-length"]).toBeDefined();
    expect(streamed.headers["transfer-encoding"]).toBe("chunked");
    expect(streamed.text).toBe(buffered.text);
  }
});

test("rooms: a huge limit streams exactly the paged read, both directions", async () => {
  const path = `${FED}/${ROOM_DEST}/rooms`;
  for (const [dir, from, limit] of [
    ["f", 0, BigInt(HUGE)],
    ["b", 5, BigInt(HUGE)],
    ["f", 100, 1_001n],
  ] as const) {
    const r = await raw("GET", `${path}?dir=${dir}&from=${from}&limit=${limit}`, { role: "viewer" });
    expect(r.status).toBe(200);
    expect(r.headers["transfer-encoding"]).toBe("chunked");
    expect(r.text).toBe(await pagedRead(`${path}?dir=${dir}`, "rooms", from, limit));
  }
});

test("parameter errors and unknown destinations keep Synapse's answers with a huge limit", async () => {
  const bad = await raw("GET", `${FED}?limit=${HUGE}&order_by=nope`, { role: "viewer" });
  expect(bad.status).toBe(400);
  const unknown = await raw("GET", `${FED}/nowhere.example/rooms?limit=${HUGE}`, { role: "viewer" });
  expect(unknown.status).toBe(404);
  const anonymous = await raw("GET", `${FED}?limit=${HUGE}`);
  expect(anonymous.status).toBe(401);
});

test("HEAD with a huge limit: headers only, and the read is given back (later answers still stream)", async () => {
  for (let i = 0; i < 4; i++) {
    const h = await raw("HEAD", `${FED}?limit=${HUGE}`, { role: "viewer" });
    expect(h.status).toBe(200);
    expect(h.text).toBe("");
  }
  const r = await raw("GET", `${FED}?limit=${HUGE}`, { role: "viewer" });
  expect(r.status).toBe(200);
  expect(JSON.parse(r.text).total).toBe(N);
});
