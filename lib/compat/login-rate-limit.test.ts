import { test } from "node:test";
import assert from "node:assert/strict";
import { AppError } from "../errors";
import { LoginRateLimiter, MAX_FAILURES, WINDOW_MS, clientAddress } from "./login-rate-limit";

function limiter(opts: { maxKeys?: number } = {}) {
  const clock = { now: 1_000_000 };
  return { clock, l: new LoginRateLimiter({ now: () => clock.now, ...opts }) };
}

function refused(fn: () => void): AppError {
  try {
    fn();
  } catch (e) {
    assert.ok(e instanceof AppError);
    return e;
  }
  assert.fail("expected M_LIMIT_EXCEEDED");
}

test(`the defaults are ${MAX_FAILURES} failures per 15 minutes`, () => {
  assert.equal(MAX_FAILURES, 10);
  assert.equal(WINDOW_MS, 15 * 60_000);
});

test("a key is refused after 10 failures, with retry_after_ms until the oldest leaves the window", () => {
  const { clock, l } = limiter();
  for (let i = 0; i < 9; i++) {
    l.recordFailure(["account:a"]);
    clock.now += 1000;
  }
  l.check(["account:a"]); // 9 failures: still allowed
  l.recordFailure(["account:a"]);
  const e = refused(() => l.check(["account:a", "address:1.2.3.4"]));
  assert.equal(e.code, "rate_limited");
  assert.equal(e.extra.retry_after_ms, WINDOW_MS - 9000);
  clock.now += WINDOW_MS - 9000 - 1;
  refused(() => l.check(["account:a"]));
  clock.now += 1;
  l.check(["account:a"]); // the first failure expired
});

test("keys are independent; any refused key refuses the attempt", () => {
  const { l } = limiter();
  for (let i = 0; i < 10; i++) l.recordFailure(["address:9.9.9.9"]);
  l.check(["account:a"]);
  refused(() => l.check(["account:a", "address:9.9.9.9"]));
});

test("clear forgets an account's failures", () => {
  const { l } = limiter();
  for (let i = 0; i < 10; i++) l.recordFailure(["account:a", "address:x"]);
  l.clear("account:a");
  l.check(["account:a"]);
  refused(() => l.check(["address:x"]));
});

test("memory is bounded: the least recently failed keys are dropped", () => {
  const { l } = limiter({ maxKeys: 3 });
  for (let i = 0; i < 10; i++) l.recordFailure(["k0"]);
  for (const k of ["k1", "k2", "k3"]) l.recordFailure([k]);
  l.check(["k0"]); // evicted
  assert.equal(l.retryAfterMs("k3"), 0);
});

test("client address: X-Real-IP, else the last X-Forwarded-For entry, else none", () => {
  assert.equal(clientAddress(new Headers({ "x-real-ip": "10.0.0.1", "x-forwarded-for": "1.1.1.1" })), "10.0.0.1");
  assert.equal(clientAddress(new Headers({ "x-forwarded-for": "6.6.6.6, 10.0.0.2" })), "10.0.0.2");
  assert.equal(clientAddress(new Headers({ "x-forwarded-for": " , " })), undefined);
  assert.equal(clientAddress(new Headers()), undefined);
});
