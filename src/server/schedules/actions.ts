import { gameCommandSchema } from "../../../agent/src/contract/game";
import { z } from "zod";
import { agentClientFor } from "../provisioning/agent-for";
import { restartServer } from "../provisioning/service";
import { createBackup } from "../backups/service";
import type { ScheduleWithServer } from "./runner";

/** What a schedule does when it is due, acting for the server's owner (same checks as the owner's clicks). */
export async function executeSchedule(s: ScheduleWithServer): Promise<string> {
  const { server } = s;
  switch (s.action) {
    case "restart":
      await restartServer(server.userId, server.id);
      return "restarted";
    case "backup": {
      const b = await createBackup(server.userId, server.id, "schedule");
      return `backup ${b.id} queued`;
    }
    case "command": {
      if (server.kind !== "game") throw new Error("console commands are for game servers");
      if (server.status !== "running") throw new Error(`the server is ${server.status}`);
      const client = agentClientFor(server);
      if (!client) throw new Error("the server's agent is not available");
      const body = gameCommandSchema.parse({ command: s.command ?? "" });
      await client.request("POST", "/game/command", z.object({ ok: z.boolean() }), { body, idempotent: false });
      return "sent";
    }
    default:
      throw new Error(`unknown schedule action ${s.action}`);
  }
}
