import { TRPCError } from "@trpc/server";
import { env } from "../../env";
import { provisioningRuntime } from "../provisioning/runtime";
import { getServerForUser } from "../provisioning/service";
import { connectAddress, connectHost, pingHost } from "./connect-host";
import { pingGame, type GameStatusPing } from "./slp";

/**
 * The game page's Connect box: the address players use (host + published port) and, while the
 * server runs, what the game itself answers to a server list ping (players online, MOTD). The
 * ping is bounded (64 KiB) and timed out (2 s), and cached briefly so a page polling every few
 * seconds does not knock on the game more than once every 5 s.
 */
export type GameConnect = { host: string; port: number; address: string; status: (GameStatusPing & { at: number }) | null; statusError: string | null };

const CACHE_MS = 5_000;
const g = globalThis as unknown as { __zlhPingCache?: Map<string, { at: number; value: GameStatusPing | null; error: string | null }> };
const cache = (g.__zlhPingCache ??= new Map());

export async function gameConnect(userId: string, serverId: string, requestHost: string | null): Promise<GameConnect> {
  const s = await getServerForUser(userId, serverId);
  if (s.kind !== "game") throw new TRPCError({ code: "BAD_REQUEST", message: "This is not a game server." });
  if (!s.providerRef) throw new TRPCError({ code: "PRECONDITION_FAILED", message: "The server has no container yet." });
  const port = await provisioningRuntime().provider.gamePortOf(s.providerRef);
  const host = connectHost({ gameHost: env.ZLH_GAME_HOST, publicUrl: env.ZLH_PUBLIC_URL, requestHost });
  const base = { host, port, address: connectAddress(host, port) };
  const target = pingHost(s.provider, process.env.ZLH_GAME_BIND);
  if (s.status !== "running" || !target) return { ...base, status: null, statusError: s.status !== "running" ? "The server is not running." : "Player counts are not available for this provider." };
  const key = `${target}:${port}`;
  let hit = cache.get(key);
  if (!hit || Date.now() - hit.at > CACHE_MS) {
    const at = Date.now();
    hit = await pingGame(target, port, { timeoutMs: 2_000, hostForHandshake: host }).then(
      (value) => ({ at, value, error: null }),
      (err: Error) => ({ at, value: null, error: err.message }),
    );
    cache.set(key, hit);
    if (cache.size > 1000) cache.delete(cache.keys().next().value!);
  }
  return { ...base, status: hit.value ? { ...hit.value, at: hit.at } : null, statusError: hit.error };
}
