import { test } from "node:test";
import assert from "node:assert/strict";
import { randomBytes } from "node:crypto";
import { canonicalJson } from "./canonical-json";
import { checkServerKeys, decodeBase64 } from "./server-keys";
import { signJson, signingKeyFromSeed } from "./sign-json";

// Matrix spec, Appendices §"Signing JSON" test vectors.
const SPEC_SEED = decodeBase64("YJDBA9Xnr2sVqXD9Vj7XVUnmFZcZrlw8Md7kMW+3XA1") as Buffer;

test("canonical JSON sorts keys, drops whitespace, keeps UTF-8 and refuses non-integers", () => {
  assert.equal(
    canonicalJson({ b: 2, a: [1, { d: null, c: true }], 日本語: "日本語" }),
    '{"a":[1,{"c":true,"d":null}],"b":2,"日本語":"日本語"}',
  );
  assert.equal(canonicalJson({ a: '\u0000\n\u001f"\\' }), '{"a":"\\u0000\\n\\u001f\\"\\\\"}');
  assert.throws(() => canonicalJson({ a: 1.5 }), /not an integer/);
  assert.throws(() => canonicalJson({ a: 2 ** 60 }), /not an integer/);
});

test("signing reproduces the spec's test vectors", () => {
  const key = signingKeyFromSeed(SPEC_SEED, "ed25519:1");
  assert.equal(key.publicKeyBase64, "XGX0JRS2Af3be3knz2fBiRbApjm2Dh61gXDJA8kcJNI");
  assert.deepEqual(signJson({}, "domain", key).signatures, {
    domain: { "ed25519:1": "K8280/U9SSy9IVtjBuVeLr+HpOB4BQFWbg+UZaADMtTdGYI7Geitb76LTrr5QV/7Xg4ahLwYGYZzuHGZKM5ZAQ" },
  });
  assert.deepEqual(signJson({ one: 1, two: "Two" }, "domain", key).signatures, {
    domain: { "ed25519:1": "KqmLSbO39/Bzb0QIYE82zqLwsA+PDzYIpIRA2sRQ4sL53+sN6/fpNSoqE7BP7vBZhG6kYdD13EIMJpvhJI+6Bw" },
  });
});

const NOW = 1_800_000_000_000;
const key = signingKeyFromSeed(randomBytes(32), "ed25519:a_key");
const keyResponse = (serverName: string, validUntil = NOW + 3_600_000) =>
  signJson(
    {
      server_name: serverName,
      valid_until_ts: validUntil,
      verify_keys: { [key.keyId]: { key: key.publicKeyBase64 } },
      old_verify_keys: { "ed25519:old": { key: key.publicKeyBase64, expired_ts: NOW - 1000 } },
    },
    serverName,
    key,
  );

test("a correct key response passes every check and lists old keys", () => {
  const checks = checkServerKeys(keyResponse("example.org"), "example.org", NOW);
  assert.equal(checks.allChecksOk, true);
  assert.deepEqual(checks.problems, []);
  assert.deepEqual(checks.verifyKeys, [
    { keyId: "ed25519:a_key", key: key.publicKeyBase64, validEd25519: true, matchingSignature: true },
  ]);
  assert.deepEqual(checks.oldVerifyKeys, [{ keyId: "ed25519:old", key: key.publicKeyBase64, expiredTs: NOW - 1000 }]);
});

test("each fault is named: wrong server_name, past valid_until_ts, tampered body, bad key, no key", () => {
  const wrong = checkServerKeys(keyResponse("other.org"), "example.org", NOW);
  assert.equal(wrong.matchingServerName, false);
  assert.equal(wrong.allChecksOk, false);
  assert.match(wrong.problems[0], /for "other.org", not "example.org"/);

  const expired = checkServerKeys(keyResponse("example.org", NOW - 1), "example.org", NOW);
  assert.equal(expired.futureValidUntilTs, false);
  assert.equal(expired.verifyKeys[0].matchingSignature, true);
  assert.match(expired.problems.join(), /keys expired/);

  const tampered = { ...keyResponse("example.org"), valid_until_ts: NOW + 7_200_000 };
  const bad = checkServerKeys(tampered, "example.org", NOW);
  assert.deepEqual(
    bad.verifyKeys.map((k) => [k.validEd25519, k.matchingSignature]),
    [[true, false]],
  );
  assert.equal(bad.allEd25519ChecksOk, false);
  assert.match(bad.problems.join(), /signature by ed25519:a_key does not verify/);

  const short = checkServerKeys(
    { ...keyResponse("example.org"), verify_keys: { "ed25519:x": { key: "AAAA" } } },
    "example.org",
    NOW,
  );
  assert.equal(short.verifyKeys[0].validEd25519, false);

  const none = checkServerKeys({ server_name: "example.org", valid_until_ts: NOW + 1 }, "example.org", NOW);
  assert.equal(none.hasEd25519Key, false);
  assert.equal(none.allEd25519ChecksOk, null);
  assert.equal(none.allChecksOk, false);
});
