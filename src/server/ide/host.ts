/**
 * Host routing policy for hosted IDEs: `dev-<vmid>.<dev domain>[:port]`. Strict on purpose: the
 * vmid picks which container a request may reach, so anything ambiguous is refused rather than
 * guessed (leading zeros, extra labels, look-alike suffixes, overlong labels, odd ports).
 */

/** Proxmox VE's VMID range; the local provider allocates inside it too. */
export const VMID_MIN = 100;
export const VMID_MAX = 999_999_999;

export type HostMatch =
  /** A well-formed dev host: route to the IDE proxy for this vmid. */
  | { kind: "dev"; vmid: number }
  /** Under the dev domain and named like a dev host, but malformed: answer it, never guess. */
  | { kind: "invalid" }
  /** Anything else (the portal itself, unrelated names): Next handles it. */
  | { kind: "other" };

const MAX_HOST_LENGTH = 253;
const MAX_LABEL_LENGTH = 63;
const DEV_LABEL = /^dev-([1-9][0-9]{0,8})$/;
const PORT = /^[1-9][0-9]{0,4}$/;

/** Splits `name[:port]`; null when the port part is malformed or the host is an IP literal. */
function splitPort(host: string): { name: string; port?: number } | null {
  if (host.startsWith("[")) return null;
  const colon = host.indexOf(":");
  if (colon === -1) return { name: host };
  if (host.indexOf(":", colon + 1) !== -1) return null;
  const p = host.slice(colon + 1);
  if (!PORT.test(p)) return null;
  const port = Number(p);
  if (port > 65535) return null;
  return { name: host.slice(0, colon), port };
}

/**
 * Classifies a request's Host header against the dev domain (already validated lower-case by env).
 * Case-insensitive, like DNS. Only `dev-<vmid>.<domain>` with nothing in between is a dev host.
 */
export function parseDevHost(hostHeader: string | undefined, devDomain: string): HostMatch {
  if (!hostHeader) return { kind: "other" };
  const host = hostHeader.toLowerCase();
  if (host.length > MAX_HOST_LENGTH + 6) return host.includes("dev-") ? { kind: "invalid" } : { kind: "other" };
  const suffix = `.${devDomain}`;
  const split = splitPort(host);
  // Only names that claim to be ours are judged here; everything else is the portal's business.
  // A fully qualified name's trailing dot is the same host in DNS: it must not fall through to Next.
  const name = (split ? split.name : host.split(":", 1)[0]!).replace(/\.+$/, "");
  if (!name.endsWith(suffix)) return { kind: "other" };
  const sub = name.slice(0, -suffix.length);
  if (!sub.startsWith("dev-") && !sub.includes(".dev-")) return { kind: "other" };
  if (!split || name.length > MAX_HOST_LENGTH) return { kind: "invalid" };
  if (sub.length > MAX_LABEL_LENGTH || sub.includes(".")) return { kind: "invalid" };
  const m = DEV_LABEL.exec(sub);
  if (!m) return { kind: "invalid" };
  const vmid = Number(m[1]);
  if (vmid < VMID_MIN || vmid > VMID_MAX) return { kind: "invalid" };
  return { kind: "dev", vmid };
}

/** The host name of a vmid's IDE (no port): `dev-6070.zerolaghub.dev`. */
export function devHostName(vmid: number, devDomain: string): string {
  return `dev-${vmid}.${devDomain}`;
}
