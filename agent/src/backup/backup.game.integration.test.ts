import type { Bot } from "mineflayer";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { backupManifestSchema } from "../contract/backup";
import { startTestArtifactServer, type TestArtifactServer } from "../../../test/support/artifact-server";
import type { AgentProcess } from "../../../test/support/agent-process";
import { joinBot, openConsole, publishFlyingSquid, quitBot, startGameAgent, until, waitState } from "../game/harness";
import { placeBlockNear, blockNameAt } from "../../../test/support/mc-blocks";

/**
 * A real flying-squid world backed up and restored by a real agent: a bot places a block, a backup
 * is taken while the game runs (players are told in chat), the block is broken, the restore brings
 * it back and a rejoining bot sees it.
 */
let server: TestArtifactServer;
let agent: AgentProcess;
let port: number;

beforeAll(async () => {
  server = await startTestArtifactServer();
  await publishFlyingSquid(server);
  ({ agent, port } = await startGameAgent(server, ["--game-stop-timeout-ms", "15000", "--game-term-timeout-ms", "5000"]));
  await waitState(agent, "running", 180_000);
}, 300_000);

afterAll(async () => {
  await agent?.dispose();
  await server?.close();
}, 120_000);

describe.sequential("game backup and restore", () => {
  it("a placed block survives break + restore; players hear about the backup; the game keeps running", async () => {
    let bot: Bot = await joinBot(port, "builder");
    const chat: string[] = [];
    bot.on("messagestr", (m) => void chat.push(m));
    const pos = await placeBlockNear(bot, "diamond_block");
    expect(blockNameAt(bot, pos)).toBe("diamond_block");

    const con = await openConsole(agent);
    const r = await agent.fetch("/backup", { method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify({ id: "game-backup-1" }) });
    expect(r.status).toBe(200);
    const archive = Buffer.from(await r.arrayBuffer());
    const manifest = backupManifestSchema.parse(await (await agent.fetch("/backup/game-backup-1/manifest")).json());
    expect(manifest).toMatchObject({ scope: "game", root: "/opt/zlh/game/server", consistency: "save-off/save-all" });
    expect(manifest.files.some((f) => f.path.startsWith("world/region/") && f.path.endsWith(".mca"))).toBe(true);
    expect(manifest.files.some((f) => f.path.startsWith("node_modules") || f.path.endsWith(".mjs"))).toBe(false);
    expect(con.output()).toContain("Saved the game");
    await until("saving resumed", () => con.output().includes("Automatic saving is now enabled"));
    await until("the backup announced in chat", () => chat.some((m) => m.includes("Backup started")) && chat.some((m) => m.includes("Backup finished")));
    expect((await waitState(agent, "running")).state).toBe("running");

    await bot.dig(bot.blockAt(pos)!, true);
    await until("the block broken", () => blockNameAt(bot, pos) === "air");
    await quitBot(bot);
    // Let the game save the broken block, so the restore really has something to undo.
    await new Promise((r) => setTimeout(r, 2500));

    const restored = await agent.fetch("/backup/restore", {
      method: "POST",
      headers: { "x-zlh-archive-sha256": manifest.archive.sha256, "x-zlh-archive-size": String(manifest.archive.size) },
      body: new Uint8Array(archive),
    });
    expect(restored.status).toBe(200);
    await waitState(agent, "running", 120_000);
    bot = await joinBot(port, "builder");
    await until("the restored block", () => blockNameAt(bot, pos) === "diamond_block", 30_000);
    await quitBot(bot);
    con.close();
  }, 300_000);
});
