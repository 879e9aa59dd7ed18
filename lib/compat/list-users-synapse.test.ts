import { test } from "node:test";
import assert from "node:assert/strict";
import { AppError } from "../errors";
import { type TeamMember, parseUserListQuery, selectMembers, userListItemJson } from "./list-users-synapse";

const HS = "e2e.test";
const t = (s: string) => new Date(s);
const TEAM: TeamMember[] = [
  { email: "carol@example.org", admin: false, createdAt: t("2024-01-03T00:00:00Z"), lastSeen: null },
  {
    email: "alice@example.org",
    admin: true,
    createdAt: t("2024-01-02T00:00:00Z"),
    lastSeen: t("2025-05-01T00:00:00Z"),
  },
  { email: "bob@example.org", admin: false, createdAt: t("2024-01-01T00:00:00Z"), lastSeen: t("2025-04-01T00:00:00Z") },
];
const q = (s: string, v: "v2" | "v3" = "v3") => parseUserListQuery(new URLSearchParams(s), v);
const emails = (s: string, v: "v2" | "v3" = "v3") => selectMembers(TEAM, q(s, v), HS).page.map((m) => m.email);

test("default order is name ascending; dir=b reverses", () => {
  assert.deepEqual(emails(""), ["alice@example.org", "bob@example.org", "carol@example.org"]);
  assert.deepEqual(emails("order_by=name&dir=b"), ["carol@example.org", "bob@example.org", "alice@example.org"]);
});

test("sort columns: creation_ts, admin (ties by name), last_seen_ts with NULLs largest", () => {
  assert.deepEqual(emails("order_by=creation_ts&dir=b"), ["carol@example.org", "alice@example.org", "bob@example.org"]);
  assert.deepEqual(emails("order_by=admin&dir=b"), ["alice@example.org", "bob@example.org", "carol@example.org"]);
  assert.deepEqual(emails("order_by=last_seen_ts"), ["bob@example.org", "alice@example.org", "carol@example.org"]);
  assert.deepEqual(emails("order_by=last_seen_ts&dir=b"), [
    "carol@example.org",
    "alice@example.org",
    "bob@example.org",
  ]);
  assert.deepEqual(emails("order_by=is_guest&dir=b"), ["alice@example.org", "bob@example.org", "carol@example.org"]);
});

test("filters: name (localpart or display name), user_id, admins, deactivated, not_user_type", () => {
  assert.deepEqual(emails("name=BOB"), ["bob@example.org"]);
  assert.deepEqual(emails("name=40example"), ["alice@example.org", "bob@example.org", "carol@example.org"]);
  assert.deepEqual(emails("user_id=carol"), ["carol@example.org"]);
  assert.deepEqual(emails("user_id=e2e.test"), ["alice@example.org", "bob@example.org", "carol@example.org"]);
  assert.deepEqual(emails("name=alice&user_id=bob"), ["alice@example.org"]); // user_id ignored with name
  assert.deepEqual(emails("admins=true"), ["alice@example.org"]);
  assert.deepEqual(emails("admins=false"), ["bob@example.org", "carol@example.org"]);
  assert.deepEqual(emails("deactivated=true"), []); // v3: only deactivated
  assert.deepEqual(emails("deactivated=true", "v2"), ["alice@example.org", "bob@example.org", "carol@example.org"]); // v2: include them
  assert.deepEqual(emails("deactivated=false&guests=false&locked=false"), [
    "alice@example.org",
    "bob@example.org",
    "carol@example.org",
  ]);
  assert.deepEqual(emails("not_user_type=bot&not_user_type=support"), [
    "alice@example.org",
    "bob@example.org",
    "carol@example.org",
  ]);
  assert.deepEqual(emails("not_user_type="), []);
});

test("paging: from/limit over the filtered set, total counts it", () => {
  const r = selectMembers(TEAM, q("from=1&limit=1"), HS);
  assert.deepEqual(
    r.page.map((m) => m.email),
    ["bob@example.org"],
  );
  assert.equal(r.total, 3);
  assert.equal(selectMembers(TEAM, q("from=99999999999999999999"), HS).page.length, 0);
  assert.equal(selectMembers(TEAM, q("limit=0"), HS).page.length, 0);
});

test("bad parameters → M_INVALID_PARAM in Synapse's wording", () => {
  const err = (s: string) => {
    try {
      q(s);
    } catch (e) {
      assert.ok(e instanceof AppError);
      return e.message;
    }
    assert.fail("expected an error");
  };
  assert.equal(err("guests=yes"), "Boolean query parameter 'guests' must be one of ['true', 'false']");
  assert.equal(
    err("order_by=id"),
    "Query parameter 'order_by' must be one of ['name', 'displayname', 'is_guest', 'admin', 'deactivated', 'user_type', 'avatar_url', 'shadow_banned', 'creation_ts', 'last_seen_ts', 'locked']",
  );
  assert.equal(err("from=-1"), "Query parameter from must be a positive integer.");
  assert.equal(err("dir=x"), "Query parameter 'dir' must be one of ['b', 'f']");
});

test("list items have Synapse's list shape, creation_ts in milliseconds", () => {
  assert.deepEqual(userListItemJson(TEAM[1], HS), {
    name: "@alice=40example.org:e2e.test",
    user_type: null,
    is_guest: false,
    admin: true,
    deactivated: false,
    shadow_banned: false,
    displayname: "alice@example.org",
    avatar_url: null,
    creation_ts: Date.parse("2024-01-02T00:00:00Z"),
    erased: false,
    last_seen_ts: Date.parse("2025-05-01T00:00:00Z"),
    locked: false,
  });
});
