import { afterEach, describe, expect, it } from "vitest";
import pg from "pg";
import { useTestDatabase } from "../../../test/db";
import { ClusterBus, parseBusPayload, type BusMessage } from "./bus";

const url = useTestDatabase();
const query = async (sql: string, params: unknown[]) => {
  const c = new pg.Client({ connectionString: url });
  await c.connect();
  try {
    return await c.query(sql, params);
  } finally {
    await c.end();
  }
};
const buses: ClusterBus[] = [];
afterEach(async () => {
  for (const b of buses.splice(0)) await b.stop();
});
async function started(): Promise<ClusterBus> {
  const b = new ClusterBus(() => url);
  buses.push(b);
  await b.start();
  return b;
}
function next(b: ClusterBus, topic: BusMessage["topic"]): Promise<BusMessage> {
  return new Promise((resolve) => {
    const off: () => void = b.on(topic, (m) => {
      off();
      resolve(m);
    });
  });
}

describe("parseBusPayload", () => {
  it("takes known messages only", () => {
    expect(parseBusPayload('{"topic":"server.stopped","serverId":"s1"}')).toEqual({ topic: "server.stopped", serverId: "s1" });
    expect(parseBusPayload('{"topic":"server.stopped"}')).toBeNull();
    expect(parseBusPayload('{"topic":"drop.tables","serverId":"s1"}')).toBeNull();
    expect(parseBusPayload("not json")).toBeNull();
    expect(parseBusPayload(undefined)).toBeNull();
  });
});

describe("ClusterBus over LISTEN/NOTIFY", () => {
  it("delivers one instance's message to every instance, the sender included", async () => {
    const [a, b] = [await started(), await started()];
    const got = Promise.all([next(a, "user.signed-out"), next(b, "user.signed-out")]);
    await a.publish({ topic: "user.signed-out", userId: "u-42" }, query);
    expect(await got).toEqual([
      { topic: "user.signed-out", userId: "u-42" },
      { topic: "user.signed-out", userId: "u-42" },
    ]);
  });

  it("listens again after its connection is killed (PostgreSQL restarted or backend terminated)", async () => {
    const b = await started();
    const killed = await query("SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE application_name = 'zlh-bus' AND query LIKE 'LISTEN%'", []);
    expect((killed as pg.QueryResult).rowCount).toBeGreaterThanOrEqual(1);
    await new Promise((r) => setTimeout(r, 200));
    expect(b.connected || (await b.whenConnected().then(() => true))).toBe(true);
    await b.whenConnected();
    const got = next(b, "server.stopped");
    await b.publish({ topic: "server.stopped", serverId: "s-7" }, query);
    expect(await got).toEqual({ topic: "server.stopped", serverId: "s-7" });
  });

  it("refuses to send a malformed message", async () => {
    const b = await started();
    await expect(b.publish({ topic: "server.stopped", serverId: "" } as BusMessage, query)).rejects.toThrow();
  });
});
