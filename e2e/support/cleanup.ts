import { spawnSync } from "node:child_process";
import path from "node:path";
import { expect, type Browser } from "@playwright/test";
import { createSignedInUser } from "./auth";

const dataDir = process.env.E2E_DATA_DIR ?? path.resolve(".data/e2e");

/** `npm run admin -- grant <email>` against a portal's database (its embedded PostgreSQL under `dir`). */
export function grantAdmin(email: string, dir = dataDir): void {
  const r = spawnSync(process.execPath, ["--import", "tsx", "scripts/admin.ts", "grant", email], {
    env: { ...process.env, ZLH_DATA_DIR: dir, NODE_ENV: "development", LOG_LEVEL: "warn" },
    encoding: "utf8",
  });
  expect(r.status, r.stderr).toBe(0);
  expect(r.stdout).toContain("now an admin");
}

type AdminServer = { id: string; status: string };

/**
 * Stops every running server of the run once a spec file is done with them, through the operator
 * console's procedures (an admin of its own). Containers left running by one spec (real LXC
 * containers with a game or code-server in them) would otherwise slow every later spec down.
 */
export async function stopEveryServer(browser: Browser): Promise<void> {
  const page = await browser.newPage();
  try {
    const admin = await createSignedInUser(page);
    grantAdmin(admin.email);
    const listed = await page.request.get(`/api/trpc/admin.servers?input=${encodeURIComponent(JSON.stringify({ json: { status: "running", take: 500 } }))}`);
    expect(listed.ok(), await listed.text()).toBe(true);
    const servers = ((await listed.json()) as { result: { data: { json: AdminServer[] } } }).result.data.json;
    for (const s of servers) {
      const stopped = await page.request.post("/api/trpc/admin.serverPower", { data: { json: { serverId: s.id, action: "stop" } } });
      expect(stopped.ok(), await stopped.text()).toBe(true);
    }
  } finally {
    await page.close();
  }
}
