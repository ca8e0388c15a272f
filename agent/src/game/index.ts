import { existsSync } from "node:fs";
import path from "node:path";
import type { AgentContext } from "../context";
import { getCatalogClient } from "../artifacts/catalog-client";
import { installArchive } from "../artifacts/install";
import { ConsoleSession } from "../console/session";
import { GAME_CONSOLE_PATH, gameCommandSchema, modInstallSchema, powerActions } from "../contract/game";
import { conflict } from "../http/errors";
import { GameConsoleSource } from "./console";
import { ensureGameUser } from "./identity";
import { ModManager } from "./mods";
import { GameSupervisor } from "./supervisor";
import { templateFor } from "./templates";

/** Where the game lives inside the container. */
export const GAME_INSTALL_DIR = "/opt/zlh/game/server";
export const GAME_RUN_DIR = "/var/lib/zlh/game";

/** What other agent modules (backups) use of the game: its supervisor and its console output. */
export type GameHandle = { supervisor: GameSupervisor; onOutput(listener: (chunk: Buffer) => void): () => void };
const handles = new WeakMap<AgentContext, GameHandle>();
export const gameHandle = (ctx: AgentContext): GameHandle | null => handles.get(ctx) ?? null;

/**
 * Game server supervision. Routes (all bearer-authenticated):
 *   GET  /game/status                       the same object as /status "game"
 *   POST /game/start|stop|restart|kill      202 { accepted, state }; 409 while another action runs
 *   POST /game/command { command }          one console line to the game
 *   GET  /game/crashes                      { crashes } newest first (last 50)
 *   GET  /game/mods, POST /game/mods { name, version? }, DELETE /game/mods/:name
 *   POST /game/detach                       the next agent exit leaves the game running (upgrade)
 *   GET  /game/console (WebSocket)          scrollback + live output; input lines go to the game
 * Agent exit: SIGTERM stops the game gracefully first (and the next agent start brings it back);
 * with --game-detach-on-exit, after POST /game/detach, or on SIGUSR2 the agent exits and leaves it
 * running for the next agent to reattach.
 */
export async function registerGame(ctx: AgentContext): Promise<void> {
  const runDir = ctx.containerPath(GAME_RUN_DIR);
  const installDir = ctx.containerPath(GAME_INSTALL_DIR);
  const c = ctx.config;
  const sup = new GameSupervisor(ctx, { runDir, installDir }, {
    scheduleMs: c.gameBackoffMs,
    stableMs: c.gameStableMs,
    maxFailures: c.gameMaxFailures,
    consoleStopWindowMs: c.gameStopTimeoutMs + c.gameTermTimeoutMs,
    stopTimeoutMs: c.gameStopTimeoutMs,
    termTimeoutMs: c.gameTermTimeoutMs,
    readyTimeoutMs: c.gameReadyTimeoutMs,
  });
  const mods = new ModManager(ctx, sup, path.join(runDir, "mods.json"));
  await sup.init();
  await mods.load();

  const source = new GameConsoleSource(runDir, (line) => sup.command(line), ctx.log);
  await source.start();
  const consoleSession = new ConsoleSession(source, { name: "game", log: ctx.log, graceMs: null });
  handles.set(ctx, { supervisor: sup, onOutput: (l) => source.onData(l) });

  ctx.addStatus("game", () => sup.status());
  ctx.router.get("/game/status", ({ send }) => send(200, sup.status()));
  for (const action of powerActions) {
    ctx.router.post(`/game/${action}`, ({ send }) => {
      sup.power(action);
      send(202, { accepted: action, state: sup.status().state });
    });
  }
  ctx.router.post("/game/command", async ({ json, send }) => {
    const { command } = await json(gameCommandSchema, 4096);
    sup.command(command);
    send(200, { ok: true });
  });
  ctx.router.get("/game/crashes", ({ send }) => send(200, { crashes: sup.crashList() }));
  ctx.router.get("/game/mods", async ({ send }) => send(200, await mods.list()));
  ctx.router.post("/game/mods", async ({ json, send }) => {
    const req = await json(modInstallSchema, 4096);
    send(201, await mods.install(req));
  });
  ctx.router.delete("/game/mods/:name", async ({ params, send }) => {
    await mods.remove(params.name!);
    send(200, { ok: true });
  });
  ctx.router.post("/game/detach", ({ send }) => {
    sup.detachOnExit = true;
    send(200, { detachOnExit: true });
  });
  ctx.router.ws(GAME_CONSOLE_PATH, (ws) => consoleSession.attach(ws));

  ctx.addProvisionStep({
    name: "game",
    applies: (p) => p.kind === "game",
    async run(payload, progress) {
      const g = payload.game!;
      const art = await getCatalogClient(ctx).resolve(g.artifact, "game");
      if (!art.template) throw conflict(`game artifact ${art.name}@${art.version} names no template`);
      const template = templateFor(art.template);
      await ensureGameUser(ctx);
      const current = sup.installed;
      const same = current?.artifact.name === art.name && current.artifact.version === art.version && existsSync(installDir);
      if (current && !same && existsSync(installDir)) {
        throw conflict(`${current.artifact.name}@${current.artifact.version} is installed; replacing it with ${art.name}@${art.version} is not supported`);
      }
      if (!same) {
        await installArchive(ctx, art, installDir, { onProgress: (p) => progress({ phase: p.phase, bytesDone: p.bytesDone, bytesTotal: p.bytesTotal }) });
      }
      progress({ phase: "configure", message: `template ${template.id}` });
      await sup.setInstall({
        artifact: { name: art.name, version: art.version, sha256: art.sha256 },
        template: template.id,
        settings: { host: ctx.config.host, port: g.port, memoryMb: g.memoryMb, motd: g.motd, maxPlayers: g.maxPlayers },
        installedAt: current && same ? current.installedAt : new Date().toISOString(),
      });
      if (g.autoStart && (sup.phase === "stopped" || sup.phase === "error")) {
        progress({ phase: "start", message: "starting the game" });
        sup.power("start");
      }
    },
  });

  ctx.onShutdown(async () => {
    await sup.shutdown();
    consoleSession.close();
    await source.stop();
  });
  // An agent upgrade restarts the agent without stopping the game: SIGUSR2 = detach, then exit.
  process.on("SIGUSR2", () => {
    sup.detachOnExit = true;
    process.kill(process.pid, "SIGTERM");
  });
}
