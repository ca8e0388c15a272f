import net from "node:net";
import { afterAll, describe, expect, it } from "vitest";
import { useTestDatabase } from "../../../../test/db";

const url = useTestDatabase();
const { closeDb } = await import("~/server/db/client");
const { GET } = await import("./route");
afterAll(closeDb);

async function closedPort(): Promise<number> {
  const srv = net.createServer();
  await new Promise<void>((resolve) => srv.listen(0, "127.0.0.1", resolve));
  const { port } = srv.address() as net.AddressInfo;
  await new Promise((resolve) => srv.close(resolve));
  return port;
}

describe("GET /api/health", () => {
  it("answers ok with the database up", async () => {
    const res = await GET();
    expect(res.status).toBe(200);
    expect(await res.json()).toEqual({ ok: true, db: "up" });
  });

  it("answers 503 with ok:false when the database is down", async () => {
    await closeDb();
    process.env.DATABASE_URL = `postgresql://zlh:x@127.0.0.1:${await closedPort()}/zlh`;
    try {
      const res = await GET();
      expect(res.status).toBe(503);
      expect(await res.json()).toEqual({ ok: false, db: "down" });
    } finally {
      await closeDb();
      process.env.DATABASE_URL = url;
    }
  });
});
