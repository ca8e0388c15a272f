import { randomBytes, randomUUID } from "node:crypto";
import { afterAll, describe, expect, it } from "vitest";
import { useTestDatabase } from "../../../test/db";

/**
 * The IDE link of a stopped dev container whose start is refused (suspended owner or server): the
 * answer says why at once, instead of the "Starting your container…" page that reloaded itself for
 * a start that had failed out of sight. Real PostgreSQL; nothing is started.
 */
useTestDatabase();
process.env.ZLH_SECRET_KEY ??= randomBytes(32).toString("hex");
const { db, closeDb } = await import("../db/client");
const { ideWakeResponse } = await import("./ide-wake");

afterAll(async () => {
  await closeDb();
});

async function stoppedDevServer(o: { userSuspended?: string; serverSuspended?: string }) {
  const user = await db.user.create({ data: { email: `iw-${randomUUID()}@example.test`, passwordHash: "x", emailVerifiedAt: new Date(), suspendedReason: o.userSuspended ?? null } });
  const top = await db.server.aggregate({ _max: { vmid: true } });
  const server = await db.server.create({
    data: { userId: user.id, name: "ide", kind: "dev", enableCodeServer: true, vmid: Math.max(94_000, (top._max.vmid ?? 0) + 1), provider: "local", status: "stopped", suspendedReason: o.serverSuspended ?? null },
  });
  return { user, server };
}

describe("ideWakeResponse for a start that is refused", () => {
  it("a suspended owner gets a 403 page with the reason, no reload, and the server is left stopped", async () => {
    const { user, server } = await stoppedDevServer({ userSuspended: "unpaid invoice" });
    const res = await ideWakeResponse(user.id, { id: server.id }, `/api/dev/${server.id}/ide`);
    expect(res!.status).toBe(403);
    const html = await res!.text();
    expect(html).toContain('data-zlh-ide-page="refused"');
    expect(html).toContain("Your account is suspended: unpaid invoice");
    expect(html).not.toContain("http-equiv=\"refresh\"");
    expect((await db.server.findUniqueOrThrow({ where: { id: server.id } })).status).toBe("stopped");
    expect(await db.serverEvent.count({ where: { serverId: server.id } })).toBe(0);
  });

  it("a suspended server's reason is shown as text, not markup", async () => {
    const { user, server } = await stoppedDevServer({ serverSuspended: "<img src=x onerror=alert(1)>" });
    const res = await ideWakeResponse(user.id, { id: server.id }, `/api/dev/${server.id}/ide`);
    expect(res!.status).toBe(403);
    const html = await res!.text();
    expect(html).toContain("This server is suspended: &#60;img src=x onerror=alert(1)&#62;");
    expect(html).not.toContain("<img");
  });
});
