import { existsSync } from "node:fs";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { gameStatusSchema } from "../../../agent/src/contract";
import { publishFlyingSquid } from "../../../agent/src/game/harness";
import { useTestDatabase } from "../../../test/db";
import { startHarness, until, type Harness } from "../../../test/provisioning/harness";
import { db } from "../db/client";

useTestDatabase();

let h: Harness;
beforeAll(async () => {
  h = await startHarness();
  // The real flying-squid artifact, built from npm (cached by version) and served by the test store.
  await publishFlyingSquid(h.artifacts);
}, 300_000);
afterAll(async () => {
  await h?.close();
}, 120_000);

describe.sequential("a game server on the local provider", () => {
  it("creates a flying-squid server that reaches running, kills the game, and deletes without leftovers", async () => {
    const u = await h.user();
    const cat = await u.caller.servers.runtimeCatalog();
    expect(cat.games.map((g) => g.name)).toContain("flying-squid");
    const created = await u.caller.servers.create({ kind: "game", name: "squid world", gameTemplate: "flying-squid" });
    const game = async () => {
      const s = await u.caller.servers.status({ serverId: created.id });
      if (s.server.status === "error") throw new Error(`provisioning failed: ${s.server.lastError}`);
      return s.agent?.game ? gameStatusSchema.parse(s.agent.game) : null;
    };
    const running = await until("game running", async () => ((await game())?.state === "running" ? game() : null), 240_000);
    expect(running).toMatchObject({ installed: true, template: "flying-squid" });
    const row = await db.server.findUniqueOrThrow({ where: { id: created.id } });
    expect(row.status).toBe("running");

    const killed = await u.caller.servers.kill({ serverId: created.id });
    expect(killed.accepted).toBe("kill");
    await until("game no longer running after kill", async () => {
      const g = await game();
      return g && g.state !== "running" && g.pid !== running!.pid ? g : null;
    });

    await u.caller.servers.delete({ serverId: created.id });
    await until("deleted", async () => (await db.server.findUniqueOrThrow({ where: { id: created.id } })).status === "deleted", 120_000);
    expect(existsSync(h.provider.dirOf(created.vmid))).toBe(false);
    expect(h.provider.processesOf(created.vmid)).toEqual([]);
  }, 420_000);
});
