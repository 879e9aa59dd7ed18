// The accepted forms of setting values, as zod schemas from the raw string to the typed value.
// Every schema names its accepted form in its error, so a bad value fails start-up with a
// message that says what would have been right. Values are trimmed first, everywhere.
import fs from "node:fs";
import tls from "node:tls";
import { z } from "zod";
import { parseDuration } from "../federation/duration";
import { parseDnsServers } from "../federation/dns-servers";
import { parseCidrList } from "../federation/ip-guard";
import { parseServerName } from "../federation/server-name";

/** A raw value: the text of the variable, trimmed. */
const raw = () => z.string().trim();

/** The messages of our own parsers (which name the variable themselves) become zod issues. */
function fromParser<T>(parse: (text: string) => T) {
  return raw().transform((text, ctx) => {
    try {
      return parse(text);
    } catch (e) {
      ctx.addIssue({ code: "custom", message: e instanceof Error ? e.message : String(e) });
      return z.NEVER;
    }
  });
}

export const integer = (min: number, max = Number.MAX_SAFE_INTEGER) =>
  raw()
    .regex(/^\d+$/, { error: `must be an integer ${range(min, max)}` })
    .transform(Number)
    .refine((n) => n >= min && n <= max, { error: `must be an integer ${range(min, max)}` });

const range = (min: number, max: number) => (max === Number.MAX_SAFE_INTEGER ? `>= ${min}` : `from ${min} to ${max}`);

export const port = () =>
  raw()
    .regex(/^\d{1,5}$/, { error: "must be a port number 1–65535" })
    .transform(Number)
    .refine((n) => n >= 1 && n <= 65_535, { error: "must be a port number 1–65535" });

/** A number >= min with an optional fraction ("2", "1.5"). */
export const decimal = (min: number) =>
  raw()
    .regex(/^(\d+(\.\d*)?|\.\d+)$/, { error: `must be a number >= ${min} (e.g. "2")` })
    .transform(Number)
    .refine((n) => Number.isFinite(n) && n >= min, { error: `must be a number >= ${min} (e.g. "2")` });

const ON = ["on", "true", "1", "yes"];
const OFF = ["off", "false", "0", "no"];

/** on/off switches: on, true, 1, yes and off, false, 0, no (any case). */
export const onOff = () =>
  raw()
    .toLowerCase()
    .refine((s) => ON.includes(s) || OFF.includes(s), { error: `must be one of ${[...ON, ...OFF].join(", ")}` })
    .transform((s) => ON.includes(s));

export const oneOf = <const T extends readonly [string, ...string[]]>(values: T) =>
  raw()
    .toLowerCase()
    .refine((s): s is T[number] => (values as readonly string[]).includes(s), {
      error: `must be one of ${values.join(", ")}`,
    })
    .transform((s) => s as T[number]);

/**
 * Durations as in Synapse's config (synapse/config/_base.py parse_duration): an integer of
 * milliseconds or an integer with a suffix s m h d w y. Result in ms.
 */
export const duration = (name: string, minMs = 0) =>
  fromParser((text) => parseDuration(text, name)).refine((ms) => ms >= minMs, {
    error: minMs >= 1000 ? `must be at least ${minMs / 1000} s` : `must be at least ${minMs} ms`,
  });

export const positiveDuration = (name: string) =>
  fromParser((text) => parseDuration(text, name)).refine((ms) => ms > 0, { error: "must be greater than 0" });

export const text = () => raw().min(1, { error: "must not be empty" });

export const postgresUrl = () =>
  raw().refine((s) => /^postgres(ql)?:\/\/./.test(s) && URL.canParse(s), {
    error: "must be a PostgreSQL URL (postgresql://user:password@host:port/database)",
  });

/** An http(s) URL without query, fragment or credentials, returned without a trailing slash. */
export const baseUrl = () =>
  raw().transform((s, ctx) => {
    const u = URL.canParse(s) ? new URL(s) : undefined;
    if (!u || (u.protocol !== "http:" && u.protocol !== "https:") || u.search || u.hash || u.username || u.password) {
      ctx.addIssue({ code: "custom", message: "must be an http(s) URL without query, fragment or credentials" });
      return z.NEVER;
    }
    return (u.origin + u.pathname).replace(/\/+$/, "");
  });

export const cidrList = (name: string) => fromParser((s) => parseCidrList(s, name));

export const dnsServers = (name: string) => fromParser((s) => parseDnsServers(s, name));

export const serverName = (name: string) =>
  fromParser((s) => {
    try {
      parseServerName(s);
    } catch (e) {
      throw new Error(`${name}: ${e instanceof Error ? e.message : String(e)}`);
    }
    return s;
  });

export const email = () => raw().regex(/^[^@\s]+@[^@\s]+$/, { error: "must be an e-mail address" });

/** A PEM file of CA certificates: read and checked now, so a wrong path fails at start-up. */
export const pemFile = (name: string) =>
  fromParser((path) => {
    let pem: string;
    try {
      pem = fs.readFileSync(path, "utf8");
    } catch (e) {
      throw new Error(`${name}: cannot read "${path}": ${e instanceof Error ? e.message : String(e)}`);
    }
    if (!pem.includes("-----BEGIN CERTIFICATE-----")) {
      throw new Error(`${name}: "${path}" contains no PEM certificate (-----BEGIN CERTIFICATE-----)`);
    }
    try {
      tls.createSecureContext({ ca: pem });
    } catch (e) {
      throw new Error(
        `${name}: "${path}" is not a valid PEM certificate: ${e instanceof Error ? e.message : String(e)}`,
      );
    }
    return { path, pem };
  });

/** A secret string of at least `min` characters (never echoed in errors). */
export const secret = (min: number) => raw().min(min, { error: `must be at least ${min} characters long` });

/** A file holding a secret (a token): read now, trimmed, never echoed. */
export const secretFile = (name: string) =>
  fromParser((path) => {
    let value: string;
    try {
      value = fs.readFileSync(path, "utf8").trim();
    } catch (e) {
      throw new Error(`${name}: cannot read "${path}": ${e instanceof Error ? e.message : String(e)}`);
    }
    if (!value) throw new Error(`${name}: "${path}" is empty`);
    return { path, value };
  });
