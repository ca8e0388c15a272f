import { expect, test } from "@playwright/test";
import { createSignedInUser } from "./support/auth";
import { phoneViewport, saveScreenshot } from "./support/screenshots";

/**
 * Billing in Chromium against the real portal, whose Stripe SDK points at the local Stripe fake
 * (test/fakes/stripe, started as a Playwright web server). The fake's hosted Checkout page
 * completes the session, redirects back, and sends the signed webhook events to the portal.
 */
test("upgrade on the billing page -> Checkout -> back to the portal on the new plan", async ({ page }) => {
  await createSignedInUser(page);
  await page.goto("/billing");
  await expect(page.getByTestId("current-plan")).toHaveText("Free");
  await expect(page.getByTestId("usage-servers")).toContainText("0 / 1");
  await expect(page.getByTestId("invoice-status")).toHaveText("No invoices yet");
  await expect(page.getByTestId("billing-not-configured")).toHaveCount(0);
  await saveScreenshot(page, "billing-free");

  await page.getByTestId("upgrade-pro").click();
  await page.waitForURL(/\/c\/pay\/cs_test_/);
  await expect(page.getByRole("heading", { name: "Subscribe to ZeroLagHub Pro" })).toBeVisible();
  await expect(page.getByTestId("checkout-amount")).toContainText("$24.00");
  await page.getByRole("button", { name: "Subscribe" }).click();

  await page.waitForURL(/\/billing\?checkout=success&session_id=cs_test_/);
  // The plan shows once the webhook has been processed (the page polls while it waits).
  await expect(page.getByTestId("current-plan")).toHaveText("Pro", { timeout: 45_000 });
  await expect(page.getByTestId("checkout-success")).toContainText("Pro plan is active");
  await expect(page.getByTestId("subscription-status")).toHaveText("Active");
  await expect(page.getByTestId("invoice-status")).toHaveText("Paid");
  await expect(page.getByTestId("usage-servers")).toContainText("0 / 12");
  await expect(page.getByTestId("plan-pro")).toContainText("Current plan");
  await saveScreenshot(page, "billing-pro");
  await page.setViewportSize(phoneViewport);
  await saveScreenshot(page, "billing-pro-phone");

  // Manage billing opens the Customer Portal, which returns to /billing.
  await page.getByTestId("manage-billing").first().click();
  await page.waitForURL(/\/p\/session\/bps_/);
  await page.getByRole("link", { name: "Return to ZeroLagHub" }).click();
  await page.waitForURL((url) => url.pathname === "/billing");
  await expect(page.getByTestId("current-plan")).toHaveText("Pro");
});

test("the billing page needs a session", async ({ page }) => {
  await page.goto("/billing");
  await page.waitForURL("**/signin?callbackUrl=%2Fbilling");
});
