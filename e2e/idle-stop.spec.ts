import { execFile } from "node:child_process";
import path from "node:path";
import { promisify } from "node:util";
import { expect, test, type Page } from "@playwright/test";
import { createSignedInUser } from "./support/auth";
import { saveScreenshot } from "./support/screenshots";
import { stopEveryServer } from "./support/cleanup";

/**
 * Waking a stopped dev container: its IDE link starts it, shows "Starting your container…" while it
 * comes up (the page reloads itself, no script), and lands in VS Code; its console tab offers a start
 * and connects once it is up. The idle pass that stops it
 * is covered by src/server/idle/idle.integration.test.ts (real agent, driven clock).
 */
// This file's containers stop once its tests are done (later specs share the machine).
test.afterAll(async ({ browser }) => stopEveryServer(browser));

test.describe.configure({ mode: "serial" });
test.setTimeout(15 * 60_000);

const root = path.resolve(path.dirname(new URL(import.meta.url).pathname), "..");
const dataDir = process.env.E2E_DATA_DIR ?? path.join(root, ".data/e2e");
type Server = { id: string; vmid: number; status: string; lastError: string | null };

async function trpc<T>(page: Page, procedure: string, input: unknown, kind: "query" | "mutation"): Promise<T> {
  const res =
    kind === "mutation"
      ? await page.request.post(`/api/trpc/${procedure}`, { data: { json: input } })
      : await page.request.get(`/api/trpc/${procedure}?input=${encodeURIComponent(JSON.stringify({ json: input }))}`);
  expect(res.ok(), `${procedure}: ${await res.text()}`).toBe(true);
  return ((await res.json()) as { result: { data: { json: T } } }).result.data.json;
}

async function waitStatus(page: Page, serverId: string, want: string, timeout: number): Promise<Server> {
  let server: Server | undefined;
  await expect
    .poll(async () => {
      server = await trpc<Server>(page, "servers.get", { serverId }, "query");
      if (server.status === "error") throw new Error(`server failed: ${server.lastError}`);
      return server.status;
    }, { timeout, intervals: [2_000] })
    .toBe(want);
  return server!;
}

test.beforeAll(async () => {
  await promisify(execFile)(process.execPath, ["--import", "tsx", "scripts/artifacts.ts", "build", "code-server", "--publish", "--data-dir", dataDir], { cwd: root, timeout: 10 * 60_000, maxBuffer: 16 << 20 });
});

test("the IDE link of a stopped dev container starts it, shows progress and lands in VS Code", async ({ page }) => {
  await createSignedInUser(page);
  await page.goto("/servers/new");
  const form = page.getByTestId("create-wizard");
  await form.getByText("Dev container", { exact: true }).click();
  await form.getByLabel("Name").fill("Idle e2e");
  await expect(form.locator('select[name="runtimeId"]')).toHaveValue("node", { timeout: 120_000 });
  await form.getByRole("checkbox", { name: /Enable code-server/ }).check();
  await form.getByRole("button", { name: "Create server" }).click();
  await expect(page.getByTestId("provisioning")).toBeVisible();
  const [created] = await trpc<Server[]>(page, "servers.list", undefined, "query");
  const server = await waitStatus(page, created!.id, "running", 8 * 60_000);

  await trpc(page, "servers.stop", { serverId: server.id }, "mutation");
  await waitStatus(page, server.id, "stopped", 2 * 60_000);

  await page.goto(`/api/dev/${server.id}/ide`);
  await expect(page.getByRole("heading", { name: "Starting your container…" })).toBeVisible();
  await saveScreenshot(page, "ide-waking");
  const port = new URL(page.url()).port;
  const ideOrigin = `http://dev-${server.vmid}.localhost:${port}`;
  await page.waitForURL((u) => u.origin === ideOrigin && !u.search.includes("token"), { timeout: 6 * 60_000 });
  await expect(page.locator(".monaco-workbench")).toBeVisible({ timeout: 180_000 });
  expect((await trpc<Server>(page, "servers.get", { serverId: server.id }, "query")).status).toBe("running");

  // The console of a server its owner stopped offers the same: one click starts it, then it connects.
  await trpc(page, "servers.stop", { serverId: server.id }, "mutation");
  await waitStatus(page, server.id, "stopped", 2 * 60_000);
  await page.goto(`/servers/${server.id}?tab=console`);
  await page.getByTestId("wake-console").click();
  await expect(page.getByTestId("waking")).toContainText("Starting your container");
  await expect(page.getByTestId("console-state")).toHaveText("Connected", { timeout: 6 * 60_000 });
  await saveScreenshot(page, "console-waking-done");
});
