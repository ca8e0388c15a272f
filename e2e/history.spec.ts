import { expect, test } from "@playwright/test";
import { createSignedInUser } from "./support/auth";
import { saveScreenshot } from "./support/screenshots";
import { createServerThroughWizard } from "./support/servers";
import { stopEveryServer } from "./support/cleanup";

/**
 * The server page's history charts with real samples: a real game server (local provider, real
 * agent, flying-squid) sampled by the portal every 30 s, drawn by recharts with its limits; its
 * log read and downloaded through the agent; and the request id every answer carries, also inside
 * a tRPC error.
 */
// This file's containers stop once its tests are done (later specs share the machine).
test.afterAll(async ({ browser }) => stopEveryServer(browser));

test("history charts show a running server's real samples with its limits", async ({ page }) => {
  test.setTimeout(420_000);
  await createSignedInUser(page);
  const serverId = await createServerThroughWizard(page, "game", "History world");
  await expect(page.getByTestId("game-state")).toHaveText("Running", { timeout: 120_000 });

  // Two sampling cycles (30 s apart) give the first CPU figure; the panel polls every 30 s.
  await expect(page.getByTestId("chart-memory-latest")).toHaveText(/\d+(\.\d)? (MB|GB|KB)/, { timeout: 90_000 });
  await expect(page.getByTestId("chart-cpu-latest")).toHaveText(/^\d+%$/, { timeout: 90_000 });

  // A line needs two samples (the first cycle may already give a CPU figure from the container).
  const memory = page.getByTestId("chart-memory");
  await expect(memory.locator(".recharts-area-curve")).toHaveCount(1, { timeout: 90_000 });
  // The container's memory limit is drawn on the chart and labelled.
  await expect(memory.locator(".recharts-reference-line")).not.toHaveCount(0);
  await expect(memory.getByText("Limit")).toBeVisible();
  await expect(page.getByTestId("chart-players").getByText("Slots")).toBeVisible();
  await expect(page.getByTestId("chart-players-latest")).toHaveText("0");
  await expect(page.getByTestId("chart-cpu").locator(".recharts-area-curve")).toHaveCount(1);
  await page.getByTestId("chart-memory").scrollIntoViewIfNeeded();
  await saveScreenshot(page, "history-charts");
  // Disk comes only from a root volume of the container's own (none under the lxc provider's overlay
  // root, whose statfs is the host's disk); without it the chart says so. Attached,
  // not visible: a disk figure that did not change between samples draws a flat line, whose box
  // has no height (Playwright calls that hidden; CI failed on it once).
  await expect(page.getByTestId("chart-disk").locator(".recharts-area-curve").or(page.getByTestId("chart-disk-latest").getByText(/^(no data yet|not measured for this server)$/)).first()).toBeAttached();
  await page.getByRole("tab", { name: "Day" }).click();
  await expect(page.getByRole("tab", { name: "Day" })).toHaveAttribute("aria-selected", "true");
  await expect(page.getByTestId("chart-memory-latest")).toHaveText(/\d+(\.\d)? (MB|GB|KB)/);

  // The game's own log: its tail on the Logs tab and the whole file as a download.
  await page.getByRole("tab", { name: "Logs" }).click();
  await expect(page.getByTestId("log-tail")).toContainText("Server listening on port");
  const download = await page.request.get(`/api/servers/${serverId}/logs/game`);
  expect(download.status()).toBe(200);
  expect(download.headers()["content-disposition"]).toMatch(/^attachment; filename="History-world-game\.log"$/);
  expect(await download.text()).toContain("Server listening on port");
  expect((await page.request.get(`/api/servers/${serverId}/logs/code-server`)).status()).toBe(404);
  expect((await page.request.get(`/api/servers/${serverId}/logs/..%2Fetc%2Fpasswd`)).status()).toBe(404);

  // Every answer names its request; a tRPC error carries the same id in its body.
  const res = await page.request.get(`/api/trpc/monitor.history?input=${encodeURIComponent(JSON.stringify({ json: { serverId, range: "decade" } }))}`);
  expect(res.status()).toBe(400);
  const id = res.headers()["x-request-id"];
  expect(id).toMatch(/^[0-9a-f-]{36}$/);
  const body = (await res.json()) as { error: { json: { data: { requestId: string } } } };
  expect(body.error.json.data.requestId).toBe(id);
});
