import { readdir, writeFile, mkdtemp, rm } from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { CrashRecord, ModList } from "../contract/game";
import { startTestArtifactServer, type TestArtifactServer } from "../../../test/support/artifact-server";
import type { AgentProcess } from "../../../test/support/agent-process";
import { gameStatus, joinBot, openConsole, processExists, publishFlyingSquid, quitBot, startGameAgent, until, waitState } from "./harness";

/**
 * The real thing: the flying-squid artifact built from npm, served by a test artifact server,
 * provisioned by a real agent process, supervised, joined by real mineflayer bots.
 * Durations are scaled down by flags: backoff 1 s/2 s/4 s, three failures end in error.
 */
const FLAGS = ["--game-backoff-ms", "1000,2000,4000", "--game-stable-ms", "120000", "--game-max-failures", "3", "--game-stop-timeout-ms", "15000", "--game-term-timeout-ms", "5000"];

let server: TestArtifactServer;
let agent: AgentProcess;
let port: number;
const pids = new Set<number>();

const crashes = async (): Promise<CrashRecord[]> => ((await (await agent.fetch("/game/crashes")).json()) as { crashes: CrashRecord[] }).crashes;
const post = (p: string, body?: unknown) =>
  agent.fetch(p, { method: "POST", headers: { "content-type": "application/json" }, body: body === undefined ? undefined : JSON.stringify(body) });
const running = async () => {
  const s = await waitState(agent, "running");
  pids.add(s.pid!);
  return s;
};

beforeAll(async () => {
  server = await startTestArtifactServer();
  await publishFlyingSquid(server);
  ({ agent, port } = await startGameAgent(server, FLAGS));
}, 240_000);

afterAll(async () => {
  await agent?.dispose();
  // Whatever happened above, no game process outlives the tests.
  for (const pid of pids) if (processExists(pid)) process.kill(pid, "SIGKILL");
  await server?.close();
}, 120_000);

describe.sequential("game supervision with a real flying-squid server", () => {
  it("starts, is running after the ready line, a bot joins and chats; SIGKILL -> crash record -> restart after backoff -> joins again", async () => {
    const first = await running();
    expect(first).toMatchObject({ installed: true, template: "flying-squid", port, failures: 0, lastCrash: null });
    const con = await openConsole(agent);
    await until("ready line on the console", () => /Server listening on port \d+/.test(con.output()));

    const bot = await joinBot(port, "alice");
    bot.chat("hello from alice");
    await until("the chat on the game console", () => con.output().includes("<alice> hello from alice"));
    await quitBot(bot);

    process.kill(first.pid!, "SIGKILL");
    const [crash] = await until("a crash record", async () => {
      const c = await crashes();
      return c.length === 1 ? c : null;
    });
    expect(crash).toMatchObject({ pid: first.pid, signal: "SIGKILL", exitCode: null, failures: 1, outcome: "restart_scheduled", restartInMs: 1000, classification: "unexpected_exit" });
    expect(crash!.logTail.some((l) => /Server listening on port/.test(l))).toBe(true);
    expect(crash!.logTail.some((l) => l.includes("alice"))).toBe(true);

    const second = await running();
    expect(second.pid).not.toBe(first.pid);
    expect(second.failures).toBe(1);
    expect(second.lastCrash?.id).toBe(crash!.id);
    const again = await joinBot(port, "alice");
    await quitBot(again);
    con.close();
  }, 180_000);

  it("a crash loop ends in error and waits for a person", async () => {
    for (let i = 0; i < 2; i++) {
      const s = await running();
      process.kill(s.pid!, "SIGKILL");
      await until(`crash ${i + 2}`, async () => (await crashes()).length === i + 2);
    }
    const err = await waitState(agent, "error");
    expect(err.failures).toBe(3);
    expect(err.error).toMatch(/3 times in a row/);
    const list = await crashes();
    expect(list[0]).toMatchObject({ failures: 3, outcome: "error", restartInMs: null });
    expect(list[1]).toMatchObject({ failures: 2, restartInMs: 2000 });
    expect((await post("/game/start")).status).toBe(202);
    expect((await running()).failures).toBe(0);
  }, 180_000);

  it("refuses a second power action while one runs", async () => {
    await running();
    const stop = await post("/game/stop");
    expect(stop.status).toBe(202);
    const second = await post("/game/start");
    expect(second.status).toBe(409);
    expect(await second.json()).toEqual({ error: "a stop is already in progress; try again when it has finished", details: { action: "stop" } });
    await waitState(agent, "stopped");
    expect((await post("/game/stop")).status).toBe(409);
    expect((await post("/game/start")).status).toBe(202);
    await running();
  }, 120_000);

  it("stop typed in the console is not a crash; /restart restarts", async () => {
    const before = (await crashes()).length;
    const s = await running();
    const con = await openConsole(agent);
    con.send("stop");
    await waitState(agent, "stopped");
    expect(processExists(s.pid!)).toBe(false);
    expect((await post("/game/start")).status).toBe(202);
    const started = await running();
    con.send("/restart");
    const restarted = await until("a new process after /restart", async () => {
      const st = await gameStatus(agent);
      return st.state === "running" && st.pid !== started.pid ? st : null;
    });
    pids.add(restarted.pid!);
    expect((await crashes()).length).toBe(before);
    con.close();
  }, 120_000);

  it("keeps the game running across an agent restart: same pid, console still works, exits still recorded", async () => {
    const s = await running();
    expect((await post("/game/detach")).status).toBe(200);
    await agent.restart();
    const after = await running();
    expect(after.pid).toBe(s.pid);
    expect(processExists(s.pid!)).toBe(true);

    const con = await openConsole(agent);
    const bot = await joinBot(port, "bob");
    bot.chat("still here");
    await until("chat after reattach", () => con.output().includes("<bob> still here"));
    await quitBot(bot);

    // The adopted game is not the new agent's child: its SIGKILL still lands in a crash record.
    const before = (await crashes()).length;
    process.kill(s.pid!, "SIGKILL");
    const [crash] = await until("crash of the adopted game", async () => {
      const c = await crashes();
      return c.length === before + 1 ? c : null;
    });
    expect(crash).toMatchObject({ pid: s.pid, signal: "SIGKILL" });
    const back = await running();
    // And a console stop of an adopted game is a stop, not a crash.
    con.send("stop");
    await waitState(agent, "stopped");
    expect(processExists(back.pid!)).toBe(false);
    expect((await crashes()).length).toBe(before + 1);
    con.close();
  }, 180_000);

  it("agent SIGTERM stops the game gracefully first; the next agent start brings it back", async () => {
    expect((await post("/game/start")).status).toBe(202);
    const s = await running();
    const before = (await crashes()).length;
    await agent.stop("SIGTERM");
    expect(processExists(s.pid!)).toBe(false);
    expect(agent.logs.some((l) => l.includes("stopping the game first"))).toBe(true);
    await agent.restart();
    const back = await running();
    expect(back.pid).not.toBe(s.pid);
    expect((await crashes()).length).toBe(before);
  }, 180_000);

  it("installs a plugin from the catalog; a bad hash changes nothing; remove works", async () => {
    const work = await mkdtemp(path.join(os.tmpdir(), "zlh-plugin-"));
    try {
      const good = path.join(work, "hello.js");
      await writeFile(good, "module.exports.server = function (serv) { serv.on('asap', () => serv.info('hello-plugin loaded')) }\n");
      await server.publishFile(good, { kind: "mod", name: "hello-plugin", version: "1.0.0", game: "flying-squid" });
      const bad = path.join(work, "evil.js");
      await writeFile(bad, "module.exports.server = function () {}\n");
      await server.publishFile(bad, { kind: "mod", name: "evil-plugin", version: "1.0.0", game: "flying-squid" });
      const cat = server.catalog();
      cat.artifacts = cat.artifacts.map((a) => (a.name === "evil-plugin" ? { ...a, sha256: "0".repeat(64) } : a));
      server.writeCatalog(cat);

      await running();
      const ok = await post("/game/mods", { name: "hello-plugin" });
      expect(ok.status).toBe(201);
      const list = (await (await agent.fetch("/game/mods")).json()) as ModList;
      expect(list).toMatchObject({ folder: "plugins", mods: [{ name: "hello-plugin", version: "1.0.0", file: "hello-plugin-1.0.0.js" }], unmanaged: [], restartRequired: true });
      expect((await gameStatus(agent)).restartRequired).toBe(true);

      const pluginsDir = path.join(agent.root, "opt/zlh/game/server/plugins");
      const filesBefore = await readdir(pluginsDir);
      const refused = await post("/game/mods", { name: "evil-plugin" });
      expect(refused.status).toBe(502);
      expect(await readdir(pluginsDir)).toEqual(filesBefore);
      expect(((await (await agent.fetch("/game/mods")).json()) as ModList).mods.map((m) => m.name)).toEqual(["hello-plugin"]);

      // The plugin really loads after a restart, which clears restartRequired.
      const con = await openConsole(agent);
      expect((await post("/game/restart")).status).toBe(202);
      await until("plugin loaded", () => con.output().includes("hello-plugin loaded"), 90_000);
      const st = await running();
      expect(st.restartRequired).toBe(false);
      con.close();

      expect((await agent.fetch("/game/mods/hello-plugin", { method: "DELETE" })).status).toBe(200);
      expect(await readdir(pluginsDir)).toEqual([]);
      expect((await agent.fetch("/game/mods/hello-plugin", { method: "DELETE" })).status).toBe(404);
    } finally {
      await rm(work, { recursive: true, force: true });
    }
  }, 180_000);
});
