import { test } from "node:test";
import assert from "node:assert/strict";
import { ServerNameError, formatHostPort, parseServerName, type ParsedServerName } from "./server-name";

const VALID: { name: string; parsed: ParsedServerName }[] = [
  { name: "matrix.org", parsed: { host: "matrix.org", port: null, kind: "dns" } },
  { name: "matrix.org:8888", parsed: { host: "matrix.org", port: 8888, kind: "dns" } },
  { name: "localhost", parsed: { host: "localhost", port: null, kind: "dns" } },
  { name: "Example-1.ORG", parsed: { host: "Example-1.ORG", port: null, kind: "dns" } },
  { name: "1.2.3.4", parsed: { host: "1.2.3.4", port: null, kind: "ipv4" } },
  { name: "1.2.3.4:1234", parsed: { host: "1.2.3.4", port: 1234, kind: "ipv4" } },
  { name: "[1234:5678::abcd]", parsed: { host: "1234:5678::abcd", port: null, kind: "ipv6" } },
  { name: "[1234:5678::abcd]:5678", parsed: { host: "1234:5678::abcd", port: 5678, kind: "ipv6" } },
  { name: "[::1]:65535", parsed: { host: "::1", port: 65535, kind: "ipv6" } },
  { name: "[::ffff:1.2.3.4]", parsed: { host: "::ffff:1.2.3.4", port: null, kind: "ipv6" } },
  { name: "a.b:1", parsed: { host: "a.b", port: 1, kind: "dns" } },
  { name: `${"a".repeat(63)}.org`, parsed: { host: `${"a".repeat(63)}.org`, port: null, kind: "dns" } },
];

const INVALID: string[] = [
  "",
  " matrix.org",
  "matrix.org\n",
  "matrix.org:",
  "matrix.org:0",
  "matrix.org:65536",
  "matrix.org:123456",
  "matrix.org:-1",
  "matrix.org:80a",
  ":8448",
  "matrix..org",
  ".matrix.org",
  "matrix.org.",
  "under_score.org",
  "bad/char.org",
  "ümlaut.org",
  `${"a".repeat(64)}.org`,
  `${"a.".repeat(127)}aa`, // 256 characters
  "::1",
  "1::2:8448",
  "[::1",
  "[::1]x",
  "[::1]:",
  "[::1]:99999",
  "[not-v6]",
  "[1.2.3.4]",
  "[fe80::1%eth0]",
  "1.2.3.999",
  "127.1",
  "2130706433",
  "01.2.3.4",
];

test("valid server names parse into host, port and kind", () => {
  for (const { name, parsed } of VALID) assert.deepEqual(parseServerName(name), parsed, name);
});

test("invalid server names throw ServerNameError with reason INVALID_SERVER_NAME", () => {
  for (const name of INVALID) {
    assert.throws(
      () => parseServerName(name),
      (error: unknown) =>
        error instanceof ServerNameError && error.reason === "INVALID_SERVER_NAME" && error.serverName === name,
      JSON.stringify(name),
    );
  }
});

test("the error message says what is wrong", () => {
  assert.throws(() => parseServerName("matrix.org:70000"), /port 70000 is outside 1–65535/);
  assert.throws(() => parseServerName("::1"), /must be written in brackets/);
});

test("formatHostPort brackets IPv6 only", () => {
  assert.equal(formatHostPort("::1", 8448), "[::1]:8448");
  assert.equal(formatHostPort("::1", null), "[::1]");
  assert.equal(formatHostPort("127.0.0.1", 443), "127.0.0.1:443");
  assert.equal(formatHostPort("example.org", null), "example.org");
});
