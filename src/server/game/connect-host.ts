/**
 * The host name players type into Minecraft: ZLH_GAME_HOST, else the portal's public host name,
 * else the host the browser used to reach the portal. Ports and IPv6 brackets are not part of it.
 */
export function hostnameOf(hostHeader: string | null | undefined): string | null {
  if (!hostHeader) return null;
  const h = hostHeader.trim().toLowerCase();
  if (h.startsWith("[")) return h.slice(0, h.indexOf("]") + 1) || null;
  const name = h.split(":")[0]!;
  return /^[a-z0-9.-]{1,253}$/.test(name) ? name : null;
}

export function connectHost(opts: { gameHost?: string; publicUrl?: string; requestHost?: string | null }): string {
  if (opts.gameHost) return opts.gameHost;
  if (opts.publicUrl) {
    try {
      return new URL(opts.publicUrl).hostname;
    } catch {
      // A malformed public URL falls through to the request's host.
    }
  }
  return hostnameOf(opts.requestHost) ?? "localhost";
}

/** "play.example.com" on the default port, "host:port" otherwise (what the Minecraft client accepts). */
export function connectAddress(host: string, port: number): string {
  return port === 25565 ? host : `${host}:${port}`;
}

/**
 * Where the portal itself reaches the published game port for the status ping: the bind address
 * of local containers (a wildcard bind is reached on loopback). Null for providers whose games the
 * portal does not reach directly.
 */
export function pingHost(provider: string, gameBind: string | undefined): string | null {
  if (provider === "proxmox") return null;
  if (!gameBind || gameBind === "0.0.0.0" || gameBind === "::") return "127.0.0.1";
  return gameBind;
}
