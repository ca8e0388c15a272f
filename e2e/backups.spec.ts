import { readFileSync, writeFileSync } from "node:fs";
import path from "node:path";
import { expect, test, type Page } from "@playwright/test";
import type { Bot } from "mineflayer";
import type { Vec3 } from "vec3";
import { joinBot, quitBot } from "../agent/src/game/harness";
import { blockNameAt, placeBlockNear } from "../test/support/mc-blocks";
import { until } from "../test/support/until";
import { createSignedInUser } from "./support/auth";
import { saveScreenshot } from "./support/screenshots";
import { createServerThroughWizard } from "./support/servers";
import { stopEveryServer } from "./support/cleanup";

/**
 * Backups through the portal UI against a real flying-squid server, real agent and the local backup
 * store: a bot places a block, a backup is taken from the Backups tab, the block is broken, the
 * restore (after its confirmation) brings it back and the rejoining bot sees it. A corrupted archive
 * is refused at restore and the world keeps its current state.
 */
const dataDir = process.env.E2E_DATA_DIR ?? path.resolve(".data/e2e");

async function gamePort(page: Page): Promise<number> {
  await page.goto(page.url().split("?")[0] + "?tab=overview");
  const address = (await page.getByTestId("connect-address").textContent({ timeout: 60_000 }))!.trim();
  const m = /:(\d+)$/.exec(address);
  return m ? Number(m[1]) : 25565;
}

async function waitGameRunning(page: Page, serverId: string) {
  await page.goto(`/servers/${serverId}?tab=overview`);
  await expect(page.getByTestId("game-state")).toHaveText("Running", { timeout: 180_000 });
}

async function timeline(page: Page, serverId: string, text: RegExp, timeout = 240_000) {
  await page.goto(`/servers/${serverId}?tab=overview`);
  await expect(page.getByTestId("provisioning").getByText(text).first()).toBeVisible({ timeout });
}

async function restoreFromUi(page: Page, serverId: string, backupId: string) {
  await page.goto(`/servers/${serverId}?tab=backups`);
  const row = page.locator(`[data-backup-id="${backupId}"]`);
  await row.getByRole("button", { name: "Restore" }).click();
  const dialog = row.getByRole("alertdialog", { name: "Confirm restore" });
  await expect(dialog).toContainText("replaces the game's world and files");
  await expect(dialog).toContainText("kept as a new backup first");
  await saveScreenshot(page, "backup-restore-confirm");
  await dialog.getByRole("button", { name: "Replace and restore" }).click();
}

// This file's containers stop once its tests are done (later specs share the machine).
test.afterAll(async ({ browser }) => stopEveryServer(browser));

test.describe.serial("backups of a game server", () => {
  test.setTimeout(600_000);
  let page: Page;
  let serverId: string;
  let port: number;
  let placed: Vec3;
  let backupId: string;

  test.beforeAll(async ({ browser }) => {
    page = await browser.newPage();
  });
  test.afterAll(async () => {
    await page.close();
  });

  test("a block placed by a player is in the backup taken from the Backups tab", async () => {
    await createSignedInUser(page);
    serverId = await createServerThroughWizard(page, "game", "Backup world");
    await waitGameRunning(page, serverId);
    port = await gamePort(page);
    const bot: Bot = await joinBot(port, "builder", 120_000);
    placed = await placeBlockNear(bot, "diamond_block");
    expect(blockNameAt(bot, placed)).toBe("diamond_block");

    await page.goto(`/servers/${serverId}?tab=backups`);
    await page.getByRole("button", { name: "Back up now" }).click();
    const row = page.getByTestId("backup-row").first();
    await expect(row).toHaveAttribute("data-status", "done", { timeout: 240_000 });
    backupId = (await row.getAttribute("data-backup-id"))!;
    await expect(row).toContainText("compressed");
    await saveScreenshot(page, "backups");

    await bot.dig(bot.blockAt(placed)!, true);
    await until("the block broken", () => blockNameAt(bot, placed) === "air");
    await quitBot(bot);
  });

  test("restore brings the block back and the rejoining player sees it", async () => {
    // The game saves changed chunks every second: the broken block is on disk before we restore.
    await new Promise((r) => setTimeout(r, 3000));
    await restoreFromUi(page, serverId, backupId);
    await timeline(page, serverId, new RegExp(`Restored backup ${backupId}`));
    await expect(page.getByTestId("provisioning").getByText(/Keeping the current state as backup/).first()).toBeVisible();
    await waitGameRunning(page, serverId);
    const bot = await joinBot(port, "builder", 120_000);
    await until("the restored block", () => blockNameAt(bot, placed) === "diamond_block", 60_000);
    await quitBot(bot);
    await page.goto(`/servers/${serverId}?tab=backups`);
    await expect(page.getByTestId("backup-row").filter({ hasText: "pre-restore" }).first()).toHaveAttribute("data-status", "done");
  });

  test("a corrupted archive is refused at restore and the world keeps its current state", async () => {
    let bot = await joinBot(port, "builder", 120_000);
    const gold = await placeBlockNear(bot, "gold_block");
    await quitBot(bot);
    await new Promise((r) => setTimeout(r, 3000));

    const file = path.join(dataDir, "backups", serverId, `${backupId}.tar.gz`);
    const bytes = readFileSync(file);
    const mid = Math.floor(bytes.length / 2);
    bytes[mid] = bytes[mid]! ^ 0xff;
    writeFileSync(file, bytes);

    await restoreFromUi(page, serverId, backupId);
    await timeline(page, serverId, new RegExp(`Restore of ${backupId} failed: .*sha256`));
    await waitGameRunning(page, serverId);
    bot = await joinBot(port, "builder", 120_000);
    await until("the newer block still there", () => blockNameAt(bot, gold) === "gold_block", 60_000);
    await quitBot(bot);
  });
});
