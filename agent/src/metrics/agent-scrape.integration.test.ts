import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Bot } from "mineflayer";
import { startTestArtifactServer, type TestArtifactServer } from "../../../test/support/artifact-server";
import type { AgentProcess } from "../../../test/support/agent-process";
import { labelNames, parsePrometheusText, type PromFamily } from "../../../test/support/prom-text";
import { crashClassifications } from "../contract/game";
import { joinBot, publishFlyingSquid, quitBot, startGameAgent, until, waitState } from "../game/harness";

/**
 * The agent's /metrics scraped from a real agent running a real flying-squid server with a real
 * player (a mineflayer bot), parsed as Prometheus text; and the portal's request id in its logs.
 */
let server: TestArtifactServer;
let agent: AgentProcess;
let port: number;
let bot: Bot | undefined;

beforeAll(async () => {
  server = await startTestArtifactServer();
  await publishFlyingSquid(server);
  ({ agent, port } = await startGameAgent(server));
  await waitState(agent, "running");
}, 240_000);

afterAll(async () => {
  if (bot) await quitBot(bot);
  await agent?.dispose();
  await server?.close();
}, 120_000);

async function scrape(): Promise<Map<string, PromFamily>> {
  const res = await agent.fetch("/metrics");
  expect(res.status).toBe(200);
  return parsePrometheusText(await res.text());
}
const value = (m: Map<string, PromFamily>, name: string) => m.get(name)?.samples[0]?.value;

describe("agent /metrics", () => {
  it("refuses a scrape without the token", async () => {
    expect((await fetch(`${agent.url}/metrics`)).status).toBe(401);
  });

  it("counts the players in the game and its slots, crashes by every class, and container figures by name", async () => {
    bot = await joinBot(port, "metricsbot");
    const m = await until("the bot counted as online", async () => {
      const s = await scrape();
      return value(s, "zlh_agent_game_players_online") === 1 ? s : null;
    }, 30_000, 200);
    expect(m.get("zlh_agent_game_players_online")!.type).toBe("gauge");
    expect(value(m, "zlh_agent_game_players_max")).toBe(100);

    const crashes = m.get("zlh_agent_game_crashes_total")!;
    expect(crashes.type).toBe("counter");
    expect(labelNames(crashes)).toEqual(["class"]);
    expect(crashes.samples.map((s) => s.labels.class).sort()).toEqual([...crashClassifications].sort());
    expect(m.get("zlh_agent_game_tick_lag_seconds_total")!.type).toBe("counter");

    for (const name of ["zlh_container_cpu_seconds_total", "zlh_container_memory_bytes", "zlh_container_pids", "zlh_container_disk_used_bytes", "zlh_container_network_receive_bytes_total", "zlh_agent_code_server_up"]) {
      const f = m.get(name);
      expect(f, name).toBeDefined();
      expect(f!.type).toBe("gauge");
      for (const s of f!.samples) expect(labelNames({ ...f!, samples: [s] })).toEqual([]);
    }
    // The game's status carries the players too (the portal's history reads it there).
    const status = (await (await agent.fetch("/status")).json()) as { players?: { online: number; max: number } };
    expect(status.players).toEqual({ online: 1, max: 100 });

    await quitBot(bot);
    bot = undefined;
    await until("the bot counted as gone", async () => (value(await scrape(), "zlh_agent_game_players_online") === 0 ? true : null), 30_000, 200);
  });

  it("logs the portal's request id with the requests it carried", async () => {
    await agent.fetch("/game/command", { method: "POST", headers: { "content-type": "application/json", "x-request-id": "portal-req-1234abcd" }, body: JSON.stringify({ command: "say hi" }) });
    const line = await until("the agent's request line", async () => agent.logs.find((l) => l.includes("portal-req-1234abcd")) ?? null, 5_000, 50);
    expect(JSON.parse(line)).toMatchObject({ reqId: "portal-req-1234abcd", method: "POST", path: "/game/command", status: 200, service: "agent" });
  });
});
