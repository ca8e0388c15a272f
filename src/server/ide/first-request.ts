/**
 * The first request of a client connection on the IDE path, read before any HTTP server sees it:
 * a strict parser for its head (the only request of the connection the portal ever parses) and the
 * head that is sent on to code-server in its place. Anything unusual is left to Node's own parser
 * (which answers it) rather than interpreted here.
 */
export type RequestHead = {
  method: string;
  target: string;
  version: "HTTP/1.0" | "HTTP/1.1";
  /** Raw header list as sent: name, value, name, value ... (names keep their case). */
  raw: string[];
  /** Byte length of the head including its final CRLFCRLF. */
  length: number;
};

/** Longest head read before giving the connection to Node (which answers 431 past its own limit). */
export const MAX_HEAD_BYTES = 16 * 1024;

const METHOD = /^[A-Z]{1,16}$/;
const TARGET = /^\/[\x21-\x7e]*$/;
const NAME = /^[!#$%&'*+\-.^_`|~0-9A-Za-z]+$/;
const VALUE = /^[\t\x20-\x7e\x80-\xff]*$/;

/**
 * "incomplete" until the head has arrived; null for anything this parser does not take on
 * (malformed, obsolete line folding, absolute-form targets, HTTP/0.9 or 2); the head otherwise.
 */
export function parseRequestHead(buf: Buffer): RequestHead | "incomplete" | null {
  const end = buf.indexOf("\r\n\r\n");
  if (end === -1) return buf.length > MAX_HEAD_BYTES ? null : "incomplete";
  if (end + 4 > MAX_HEAD_BYTES) return null;
  const lines = buf.toString("latin1", 0, end).split("\r\n");
  const parts = lines[0]!.split(" ");
  if (parts.length !== 3) return null;
  const [method, target, version] = parts as [string, string, string];
  if (!METHOD.test(method) || !TARGET.test(target) || (version !== "HTTP/1.1" && version !== "HTTP/1.0")) return null;
  const raw: string[] = [];
  for (let i = 1; i < lines.length; i++) {
    const line = lines[i]!;
    const colon = line.indexOf(":");
    if (colon <= 0) return null;
    const name = line.slice(0, colon);
    const value = line.slice(colon + 1).trim();
    if (!NAME.test(name) || !VALUE.test(value)) return null;
    raw.push(name, value);
  }
  return { method, target, version, raw, length: end + 4 };
}

/** Every value of a header (case-insensitive name). */
export function headerValues(head: Pick<RequestHead, "raw">, name: string): string[] {
  const out: string[] = [];
  for (let i = 0; i < head.raw.length; i += 2) if (head.raw[i]!.toLowerCase() === name) out.push(head.raw[i + 1]!);
  return out;
}

/** The one value of a header; undefined when absent or repeated (a repeated Host is ambiguous). */
export function singleHeader(head: Pick<RequestHead, "raw">, name: string): string | undefined {
  const v = headerValues(head, name);
  return v.length === 1 ? v[0] : undefined;
}

/** Cookie header without the named cookies (the portal's and the IDE's own never reach a container). */
export function filterCookies(header: string, drop: (name: string) => boolean): string {
  let out = "";
  for (const part of header.split(";")) {
    const eq = part.indexOf("=");
    const name = (eq === -1 ? part : part.slice(0, eq)).trim();
    if (!name || drop(name)) continue;
    out += out ? `; ${part.trim()}` : part.trim();
  }
  return out;
}

/** Headers a client may not set for the upstream: ours to write, or addressed to the proxy itself. */
const CLIENT_MAY_NOT = new Set(["forwarded", "x-real-ip", "proxy-authorization", "proxy-connection"]);

export type ForwardFacts = {
  /** The client's address (the socket's, or from trusted proxies in front). */
  clientAddress: string;
  forwardedProto: "http" | "https";
  dropCookie: (name: string) => boolean;
};

/**
 * The head sent to code-server for a spliced connection's first request: request line and headers
 * as the client sent them (Host kept: code-server checks WebSocket origins against it; the
 * connection's own framing headers kept: the connection is end to end from here), minus the
 * portal's cookies and any forwarding claims, plus our X-Forwarded-For/Proto/Host.
 */
export function spliceHead(head: RequestHead, facts: ForwardFacts): string {
  let s = `${head.method} ${head.target} ${head.version}\r\n`;
  let host = "";
  for (let i = 0; i < head.raw.length; i += 2) {
    const name = head.raw[i]!;
    const lower = name.toLowerCase();
    const value = head.raw[i + 1]!;
    if (lower.startsWith("x-forwarded-") || CLIENT_MAY_NOT.has(lower)) continue;
    if (lower === "cookie") {
      const kept = filterCookies(value, facts.dropCookie);
      if (kept) s += `${name}: ${kept}\r\n`;
      continue;
    }
    if (lower === "host") host ||= value;
    s += `${name}: ${value}\r\n`;
  }
  s += `X-Forwarded-For: ${facts.clientAddress}\r\nX-Forwarded-Proto: ${facts.forwardedProto}\r\n`;
  if (host) s += `X-Forwarded-Host: ${host}\r\n`;
  return `${s}\r\n`;
}
