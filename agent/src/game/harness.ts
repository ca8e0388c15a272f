import { createBot, type Bot } from "mineflayer";
import WebSocket from "ws";
import type { GameStatus } from "../contract/game";
import { flyingSquidBuilder, DEFAULT_CACHE_DIR } from "../../../scripts/artifacts/builders/flying-squid";
import { freePort, startAgentProcess, type AgentProcess } from "../../../test/support/agent-process";
import type { TestArtifactServer } from "../../../test/support/artifact-server";
import { until } from "../../../test/support/until";
export { until };

/**
 * Shared by the game integration tests and bench/bots.ts: publishes the real flying-squid artifact
 * into a test artifact server, starts a real agent that provisions it, and drives mineflayer bots.
 */
export const MC_VERSION = "1.21.4";

export async function publishFlyingSquid(server: TestArtifactServer): Promise<void> {
  const built = await flyingSquidBuilder.build({ version: "1.12.0", cacheDir: process.env.ZLH_CACHE_DIR ?? DEFAULT_CACHE_DIR, onProgress: () => undefined });
  const { url: _u, sha256: _s, size: _z, ...entry } = { ...built.entry, url: "", sha256: "", size: 0 };
  await server.publishFile(built.file, entry);
}


export async function gameStatus(agent: AgentProcess): Promise<GameStatus> {
  const r = await agent.fetch("/game/status");
  if (!r.ok) throw new Error(`GET /game/status answered ${r.status}`);
  return (await r.json()) as GameStatus;
}

export const waitState = (agent: AgentProcess, state: GameStatus["state"], timeoutMs = 90_000) =>
  until(`game state ${state}`, async () => {
    const s = await gameStatus(agent);
    return s.state === state ? s : null;
  }, timeoutMs, 50);

/** Starts an agent with the given game flags and provisions flying-squid (autoStart) on a free port. */
export async function startGameAgent(server: TestArtifactServer, extraArgs: string[] = [], opts: { autoStart?: boolean } = {}): Promise<{ agent: AgentProcess; port: number }> {
  const agent = await startAgentProcess({ artifactsUrl: server.url, catalogPublicKey: server.publicKey, extraArgs });
  const port = await freePort();
  const r = await agent.fetch("/provision", {
    method: "POST",
    headers: { "content-type": "application/json" },
    body: JSON.stringify({ kind: "game", game: { artifact: { name: "flying-squid" }, port, memoryMb: 512, maxPlayers: 100, autoStart: opts.autoStart ?? true } }),
  });
  if (!r.ok) throw new Error(`provision answered ${r.status}: ${await r.text()}`);
  return { agent, port };
}

/** A mineflayer bot that has spawned in the world. */
export function joinBot(port: number, username: string, timeoutMs = 60_000): Promise<Bot> {
  return new Promise((resolve, reject) => {
    const bot = createBot({ host: "127.0.0.1", port, username, auth: "offline", version: MC_VERSION, hideErrors: true, checkTimeoutInterval: 120_000, viewDistance: "tiny", physicsEnabled: false });
    const t = setTimeout(() => {
      bot.end();
      reject(new Error(`${username} did not spawn within ${timeoutMs} ms`));
    }, timeoutMs);
    const fail = (why: unknown) => {
      clearTimeout(t);
      reject(new Error(`${username} could not join: ${typeof why === "string" ? why : (why as Error)?.message ?? JSON.stringify(why)}`));
    };
    bot.once("spawn", () => {
      clearTimeout(t);
      bot.removeAllListeners("error");
      bot.on("error", () => undefined);
      resolve(bot);
    });
    bot.once("error", fail);
    bot.once("kicked", fail);
    bot.once("end", (reason) => fail(`connection ended (${reason})`));
  });
}

export async function quitBot(bot: Bot): Promise<void> {
  await new Promise<void>((resolve) => {
    bot.once("end", () => resolve());
    bot.quit();
    setTimeout(resolve, 3000);
  });
}

/** The game console over its WebSocket: collected output and a way to type. */
export async function openConsole(agent: AgentProcess): Promise<{ output: () => string; send: (line: string) => void; close: () => void }> {
  const ws = new WebSocket(`ws://127.0.0.1:${agent.port}/game/console`, { headers: { authorization: `Bearer ${agent.token}` } });
  let out = "";
  ws.on("message", (d: Buffer) => (out += d.toString("utf8")));
  await new Promise<void>((resolve, reject) => {
    ws.once("open", () => resolve());
    ws.once("error", reject);
  });
  return { output: () => out, send: (line) => ws.send(`${line}\r`), close: () => ws.close() };
}

export function processExists(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}
