import { expect, type Page } from "@playwright/test";

/** Creates a server through the wizard, waits for provisioning, and opens its page; returns its id. */
export async function createServerThroughWizard(page: Page, kind: "game" | "dev", name: string): Promise<string> {
  await page.goto("/servers/new");
  const form = page.getByTestId("create-wizard");
  await form.getByText(kind === "game" ? "Game server" : "Dev container", { exact: true }).click();
  await form.getByLabel("Name").fill(name);
  if (kind === "dev") await expect(form.locator('select[name="runtimeId"]')).toHaveValue("node", { timeout: 30_000 });
  else await expect(form.locator('select[name="gameTemplate"]')).toHaveValue("flying-squid", { timeout: 30_000 });
  await form.getByRole("button", { name: "Create server" }).click();
  await expect(page.getByTestId("provisioning-ready")).toBeVisible({ timeout: 240_000 });
  await page.getByRole("link", { name: "Open server" }).click();
  // /servers/new matches a plain /servers/<id> pattern too: wait until we have left the wizard.
  await page.waitForURL((url) => /^\/servers\/[^/]+$/.test(url.pathname) && url.pathname !== "/servers/new");
  return new URL(page.url()).pathname.split("/").pop()!;
}
