import { isIP } from "node:net";

/**
 * Which webhook targets the portal will call, pure. Only http(s) URLs without credentials. In
 * production the target must be a public address: loopback, private, link-local, CGNAT, multicast
 * and other special ranges are refused (the portal's own network is not the user's to probe). The
 * check runs on the URL when it is saved and again on the resolved address at every call
 * (safe-lookup.ts), so a DNS name that later points inside is refused too. Tests and local
 * development allow private targets only when asked explicitly (ZLH_WEBHOOK_ALLOW_PRIVATE=true,
 * never honoured with NODE_ENV=production).
 */
export type UrlVerdict = { ok: true; url: URL } | { ok: false; reason: string };

export function allowPrivateTargets(e: NodeJS.ProcessEnv = process.env): boolean {
  return e.NODE_ENV !== "production" && e.ZLH_WEBHOOK_ALLOW_PRIVATE === "true";
}

function v4(ip: string): number[] {
  return ip.split(".").map(Number);
}

/** True for addresses that are not on the public internet. */
export function isNonPublicAddress(ip: string): boolean {
  const kind = isIP(ip);
  if (kind === 4) {
    const [a, b] = v4(ip) as [number, number];
    return (
      a === 0 || a === 10 || a === 127 || a >= 224 ||
      (a === 100 && b >= 64 && b <= 127) ||
      (a === 169 && b === 254) ||
      (a === 172 && b >= 16 && b <= 31) ||
      (a === 192 && b === 168) ||
      (a === 192 && b === 0) ||
      (a === 198 && (b === 18 || b === 19))
    );
  }
  if (kind === 6) {
    const x = ip.toLowerCase().replace(/^\[|\]$/g, "");
    const mapped = /^::ffff:(\d+\.\d+\.\d+\.\d+)$/.exec(x);
    if (mapped) return isNonPublicAddress(mapped[1]!);
    // URL parsing writes IPv4-mapped addresses in hex (::ffff:7f00:1): same check.
    const hex = /^::ffff:([0-9a-f]{1,4}):([0-9a-f]{1,4})$/.exec(x);
    if (hex) {
      const [hi, lo] = [parseInt(hex[1]!, 16), parseInt(hex[2]!, 16)];
      return isNonPublicAddress(`${hi >> 8}.${hi & 255}.${lo >> 8}.${lo & 255}`);
    }
    if (x === "::" || x === "::1") return true;
    const first = parseInt(x.split(":")[0] || "0", 16);
    return (
      (first & 0xfe00) === 0xfc00 || // unique local fc00::/7
      (first & 0xffc0) === 0xfe80 || // link-local fe80::/10
      (first & 0xff00) === 0xff00 || // multicast
      x.startsWith("64:ff9b:") || // NAT64 can reach IPv4 private space
      x.startsWith("2001:db8:")
    );
  }
  return true;
}

const BLOCKED_NAMES = /(^|\.)(localhost|local|internal|localdomain|home\.arpa)$/i;

export function checkWebhookUrl(raw: string, allowPrivate: boolean): UrlVerdict {
  let url: URL;
  try {
    url = new URL(raw.trim());
  } catch {
    return { ok: false, reason: "Enter a full URL starting with https://." };
  }
  if (url.protocol !== "https:" && url.protocol !== "http:") return { ok: false, reason: "Only http and https webhook URLs are allowed." };
  if (url.username || url.password) return { ok: false, reason: "Put credentials in the path or query, not before the host." };
  if (raw.length > 2000) return { ok: false, reason: "The URL is too long." };
  if (allowPrivate) return { ok: true, url };
  const host = url.hostname.replace(/^\[|\]$/g, "");
  if (isIP(host) ? isNonPublicAddress(host) : BLOCKED_NAMES.test(host) || !host.includes(".")) {
    return { ok: false, reason: "Webhooks must point to a public internet address." };
  }
  return { ok: true, url };
}
