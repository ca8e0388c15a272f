import path from "node:path";
import type { Page } from "@playwright/test";

/** Saves a full-page screenshot as test-results/screenshots/<name>.png (kept after the run). */
export async function saveScreenshot(page: Page, name: string): Promise<string> {
  const file = path.resolve("test-results/screenshots", `${name}.png`);
  await page.screenshot({ path: file, fullPage: true });
  return file;
}

/** Phone-sized viewport (iPhone 12-ish) for layout checks, and the suite's default desktop one. */
export const phoneViewport = { width: 390, height: 844 };
export const desktopViewport = { width: 1280, height: 720 };
