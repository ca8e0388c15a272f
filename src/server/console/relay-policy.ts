/**
 * Pure rules of the console relay: which upgrade paths are ours, which Origins may open a console
 * with the user's cookie (cross-site WebSocket hijacking is the risk), and where on the agent a
 * server's console lives.
 */
const PATH_RE = /^\/api\/servers\/([A-Za-z0-9_-]{1,64})\/console$/;

export type ConsoleRequest = { serverId: string; cols: number; rows: number };

/** Parses `/api/servers/<id>/console?cols=&rows=`; null when the path is not the relay's. */
export function parseConsolePath(url: string | undefined): ConsoleRequest | null {
  if (!url) return null;
  let u: URL;
  try {
    u = new URL(url, "http://relay.invalid");
  } catch {
    return null;
  }
  const m = PATH_RE.exec(u.pathname);
  if (!m) return null;
  return { serverId: m[1]!, cols: clampSize(u.searchParams.get("cols"), 80), rows: clampSize(u.searchParams.get("rows"), 24) };
}

function clampSize(v: string | null, fallback: number): number {
  const n = Number(v);
  if (!v || !Number.isInteger(n) || n < 1) return fallback;
  return Math.min(n, 500);
}

/** The origins the portal is served from: the configured public URLs, else the request's own host. */
export function allowedOrigins(configured: (string | undefined)[], host: string | undefined, secure: boolean): Set<string> {
  const out = new Set<string>();
  for (const c of configured) {
    if (!c) continue;
    try {
      out.add(new URL(c).origin);
    } catch {
      // a malformed setting adds nothing
    }
  }
  if (out.size === 0 && host) {
    try {
      out.add(new URL(`${secure ? "https" : "http"}://${host}`).origin);
    } catch {
      // a malformed Host header adds nothing
    }
  }
  return out;
}

/** A browser always sends Origin on WebSocket upgrades; a missing or foreign one is refused. */
export function originAllowed(origin: string | undefined, allowed: Set<string>): boolean {
  if (!origin || origin === "null") return false;
  let o: string;
  try {
    o = new URL(origin).origin;
  } catch {
    return false;
  }
  return allowed.has(o);
}

/** The agent's console route for a server: the game console for game servers, the dev shell otherwise. */
export function agentConsolePath(kind: string, size: { cols: number; rows: number }): string {
  if (kind === "game") return "/game/console";
  return `/console?session=portal&cols=${size.cols}&rows=${size.rows}`;
}
