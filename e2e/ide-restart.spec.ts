import { execFile } from "node:child_process";
import path from "node:path";
import { promisify } from "node:util";
import { expect, test, type Page } from "@playwright/test";
import { signUp } from "./support/auth";
import { stopEveryServer } from "./support/cleanup";

/**
 * A dev server stopped and started again from its page still opens VS Code: the container's start
 * brings code-server back (it listens on its Unix socket again) and Open IDE reaches the workbench
 * through the agent's tunnel. Real portal, provider, agent and code-server artifact, in Chromium.
 */
test.setTimeout(15 * 60_000);

const root = path.resolve(path.dirname(new URL(import.meta.url).pathname), "..");
const dataDir = process.env.E2E_DATA_DIR ?? path.join(root, ".data/e2e");

type Server = { id: string; vmid: number; status: string; lastError: string | null };
type Live = { live?: { codeServer?: { running: boolean; healthy: boolean } | null } };

async function trpc<T>(page: Page, procedure: string, input: unknown): Promise<T> {
  const res = await page.request.get(`/api/trpc/${procedure}?input=${encodeURIComponent(JSON.stringify({ json: input }))}`);
  expect(res.ok(), `${procedure}: ${await res.text()}`).toBe(true);
  return ((await res.json()) as { result: { data: { json: T } } }).result.data.json;
}

async function statusOf(page: Page, serverId: string): Promise<string> {
  const s = await trpc<Server>(page, "servers.get", { serverId });
  if (s.status === "error") throw new Error(`server failed: ${s.lastError}`);
  return s.status;
}

// This file's containers stop once its tests are done (later specs share the machine).
test.afterAll(async ({ browser }) => stopEveryServer(browser));

test.beforeAll(async () => {
  // The portal's store starts empty in e2e runs: publish the cached code-server build into it.
  await promisify(execFile)(process.execPath, ["--import", "tsx", "scripts/artifacts.ts", "build", "code-server", "--publish", "--data-dir", dataDir], {
    cwd: root,
    timeout: 10 * 60_000,
    maxBuffer: 16 << 20,
  });
});

test("Open IDE works after the dev server is stopped and started again", async ({ page }) => {
  await signUp(page);
  await page.goto("/servers/new");
  const form = page.getByTestId("create-wizard");
  await form.getByText("Dev container", { exact: true }).click();
  await form.getByLabel("Name").fill("IDE restart e2e");
  const runtime = form.locator('select[name="runtimeId"]');
  await expect(runtime.locator('option[value="node"]')).toHaveCount(1, { timeout: 120_000 });
  await runtime.selectOption("node");
  await form.getByRole("checkbox", { name: /Enable code-server/ }).check();
  await form.getByRole("button", { name: "Create server" }).click();
  await expect(page.getByTestId("provisioning-ready")).toBeVisible({ timeout: 8 * 60_000 });
  await page.getByRole("link", { name: "Open server" }).click();
  await page.waitForURL((url) => /^\/servers\/[^/]+$/.test(url.pathname) && url.pathname !== "/servers/new");
  const serverId = new URL(page.url()).pathname.split("/").pop()!;

  // Stop, then start, with the page's own power buttons.
  const power = page.getByRole("group", { name: "Power" });
  await power.getByRole("button", { name: "Stop" }).click();
  await expect.poll(() => statusOf(page, serverId), { timeout: 120_000, intervals: [1_000] }).toBe("stopped");
  await power.getByRole("button", { name: "Start server" }).click();
  await expect.poll(() => statusOf(page, serverId), { timeout: 180_000, intervals: [1_000] }).toBe("running");

  // The agent reports code-server back, and Open IDE reaches the workbench.
  await expect
    .poll(async () => (await trpc<Live>(page, "monitor.server", { serverId })).live?.codeServer?.healthy ?? false, { timeout: 180_000, intervals: [2_000] })
    .toBe(true);
  await page.goto(`/servers/${serverId}?tab=ide`);
  const button = page.getByRole("link", { name: "Open IDE" });
  await expect(button).toHaveAttribute("href", `/api/dev/${serverId}/ide`, { timeout: 60_000 });
  const [ide] = await Promise.all([page.context().waitForEvent("page"), button.click()]);
  await expect(ide.locator(".monaco-workbench")).toBeVisible({ timeout: 180_000 });
  await expect(ide.getByText("The IDE is not answering")).toHaveCount(0);
});
