import { isIP } from "node:net";
import type { HttpRoute, UpgradeRoute } from "./routes";

/**
 * The portal's pages and API answer only to the host names that are its own: the public URL's,
 * `localhost`, IP addresses, and ZLH_ALLOWED_HOSTS. Any other name gets 421. A web page on an
 * attacker's name that rebinds its DNS to this machine (DNS rebinding) can read whatever answers to
 * that name, e.g. a portal running on a laptop with its dev outbox of password-reset mails; an IP
 * address or localhost cannot be an attacker's name. Dev hosts (the hosted IDE) are answered before
 * this, and the machine endpoints (/artifacts/ for agents, /metrics with its token) do not come here.
 */
export function hostNameOf(hostHeader: string): string | null {
  const v = hostHeader.trim().toLowerCase();
  if (v.startsWith("[")) {
    const end = v.indexOf("]");
    const rest = v.slice(end + 1);
    return end > 1 && (rest === "" || /^:\d+$/.test(rest)) ? v.slice(1, end) : null;
  }
  const m = /^([^:]+)(?::\d+)?$/.exec(v);
  // A fully qualified name's trailing dot names the same host.
  return m ? m[1]!.replace(/\.+$/, "") : null;
}

export function hostAllowed(hostHeader: string | undefined, allowed: ReadonlySet<string>): boolean {
  // No Host at all is HTTP/1.0 from a script, never a browser's page.
  if (hostHeader === undefined) return true;
  const name = hostNameOf(hostHeader);
  if (name === null) return false;
  return isIP(name) !== 0 || name === "localhost" || allowed.has(name);
}

let built: { key: string; names: Set<string> } | undefined;

/** The names besides localhost and IP addresses; built again only when the settings change (not per request). */
export function allowedHostNames(publicHost: string, extra: string | undefined): ReadonlySet<string> {
  const key = `${publicHost}\n${extra ?? ""}`;
  if (built?.key === key) return built.names;
  const names = new Set([publicHost.toLowerCase().replace(/^\[|\]$/g, "")]);
  for (const n of (extra ?? "").split(",")) if (n.trim()) names.add(n.trim().toLowerCase().replace(/\.+$/, ""));
  built = { key, names };
  return names;
}

export function allowedHostRoute(allowed: () => ReadonlySet<string>): HttpRoute {
  return (req, res) => {
    if (hostAllowed(req.headers.host, allowed())) return false;
    res.writeHead(421, { "content-type": "text/plain; charset=utf-8", "cache-control": "no-store" }).end("This portal does not answer to that host name.\n");
    return true;
  };
}

/**
 * The same gate for WebSocket upgrades (the console relay): a rebound page's socket carries no
 * portal cookie, so the relay would refuse it anyway; this refuses it before any session lookup.
 */
export function allowedHostUpgradeRoute(allowed: () => ReadonlySet<string>): UpgradeRoute {
  return (req, socket) => {
    if (hostAllowed(req.headers.host, allowed())) return false;
    socket.end("HTTP/1.1 421 Misdirected Request\r\nConnection: close\r\nContent-Length: 0\r\n\r\n");
    return true;
  };
}
