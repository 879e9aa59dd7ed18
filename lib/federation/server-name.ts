// Matrix server names (Matrix spec, Appendices §"Server Name").
// Stricter than Synapse: ports must be 1–65535 and numeric-looking hosts must be real
// IPv4 addresses, because getaddrinfo would read "127.1" or "2130706433" as IPv4.
import { isIPv4, isIPv6 } from "node:net";

export type ServerNameKind = "ipv4" | "ipv6" | "dns";
/** host has no brackets for IPv6; port null when the name has none. */
export type ParsedServerName = { host: string; port: number | null; kind: ServerNameKind };

export class ServerNameError extends Error {
  readonly reason = "INVALID_SERVER_NAME" as const;
  constructor(
    readonly serverName: string,
    detail: string,
  ) {
    super(`invalid server name ${JSON.stringify(serverName)}: ${detail}`);
    this.name = "ServerNameError";
  }
}

const DNS_NAME = /^[0-9A-Za-z-]+(\.[0-9A-Za-z-]+)*$/;
const IPV6_CHARS = /^[0-9A-Fa-f:.]{2,45}$/;

function parsePort(name: string, text: string): number {
  if (!/^\d{1,5}$/.test(text)) throw new ServerNameError(name, `port "${text}" is not 1–5 digits`);
  const port = Number(text);
  if (port < 1 || port > 65535) throw new ServerNameError(name, `port ${port} is outside 1–65535`);
  return port;
}

function checkDnsName(name: string, host: string): void {
  if (host.length > 255) throw new ServerNameError(name, "hostname is longer than 255 characters");
  if (!DNS_NAME.test(host)) {
    throw new ServerNameError(
      name,
      "hostname may only contain letters, digits, '-' and non-empty dot-separated labels",
    );
  }
  const labels = host.split(".");
  if (labels.some((label) => label.length > 63))
    throw new ServerNameError(name, "a hostname label is longer than 63 characters");
  // No TLD is numeric; such a name is a malformed IPv4 address that resolvers may still accept.
  if (/^\d+$/.test(labels[labels.length - 1])) throw new ServerNameError(name, "not a valid IPv4 address");
}

/** Parses `hostname[:port]`; throws ServerNameError (reason INVALID_SERVER_NAME). */
export function parseServerName(name: string): ParsedServerName {
  if (name === "") throw new ServerNameError(name, "empty");
  // Whitespace, control characters and anything non-ASCII are outside the grammar anyway;
  // an explicit message helps operators spot a pasted newline.
  // biome-ignore lint/suspicious/noControlCharactersInRegex: control characters are exactly what this refuses
  if (/[\s\x00-\x1f\x7f]/.test(name)) throw new ServerNameError(name, "contains whitespace or control characters");

  if (name.startsWith("[")) {
    const close = name.indexOf("]");
    if (close < 0) throw new ServerNameError(name, "'[' without matching ']'");
    const inside = name.slice(1, close);
    if (!IPV6_CHARS.test(inside) || !isIPv6(inside))
      throw new ServerNameError(name, "not a valid IPv6 address in brackets");
    const rest = name.slice(close + 1);
    if (rest === "") return { host: inside, port: null, kind: "ipv6" };
    if (!rest.startsWith(":")) throw new ServerNameError(name, "unexpected characters after ']'");
    return { host: inside, port: parsePort(name, rest.slice(1)), kind: "ipv6" };
  }

  const colon = name.lastIndexOf(":");
  const host = colon < 0 ? name : name.slice(0, colon);
  // An unbracketed IPv6 address ("::1", "1::2:8448") is ambiguous; the grammar forbids it.
  if (host.includes(":"))
    throw new ServerNameError(name, "IPv6 addresses must be written in brackets, e.g. [::1]:8448");
  const port = colon < 0 ? null : parsePort(name, name.slice(colon + 1));
  if (host === "") throw new ServerNameError(name, "empty hostname");
  if (isIPv4(host)) return { host, port, kind: "ipv4" };
  checkDnsName(name, host);
  return { host, port, kind: "dns" };
}

/** "host:port" with brackets around IPv6, as used in URLs, Host headers and attempt records. */
export function formatHostPort(host: string, port: number | null): string {
  const h = isIPv6(host) ? `[${host}]` : host;
  return port === null ? h : `${h}:${port}`;
}
