import { expect, test } from "@playwright/test";
import { newUser, signUp } from "./support/auth";
import { linkFromOutbox, outboxFor } from "./support/outbox";
import { saveScreenshot } from "./support/screenshots";

/**
 * Email flows in Chromium against the real portal, which has no SMTP here: messages land in the
 * outbox folder and the specs open their links like a user opening their inbox.
 */
test("forgot password -> link from the email -> new password -> signed in; the old session is gone", async ({ browser }) => {
  // The old session: a browser that signed up and stays signed in.
  const oldContext = await browser.newContext();
  const oldPage = await oldContext.newPage();
  const user = await signUp(oldPage);

  const context = await browser.newContext();
  const page = await context.newPage();
  await page.goto("/signin");
  await page.getByRole("link", { name: "Forgot password?" }).click();
  await page.waitForURL("**/forgot-password");
  await page.getByLabel("Email").fill(user.email);
  await page.getByRole("button", { name: "Send reset link" }).click();
  await expect(page.getByRole("status")).toContainText("If an account uses this address, we sent it a link");
  await saveScreenshot(page, "forgot-password-sent");

  const { message, link } = await linkFromOutbox(user.email, "/reset-password");
  expect(message.subject).toBe("Reset your password");
  // The rendered HTML email, as a mail client shows it.
  const mailView = await context.newPage();
  await mailView.setViewportSize({ width: 720, height: 900 });
  await mailView.setContent(message.html);
  await expect(mailView.getByRole("link", { name: "Choose a new password" })).toHaveAttribute("href", link);
  await saveScreenshot(mailView, "email-reset-password");
  await mailView.close();

  await page.goto(link);
  const password = `new-pw-${Date.now()}-long`;
  await page.getByLabel("New password", { exact: true }).fill(password);
  await page.getByLabel("Confirm new password").fill(password);
  await saveScreenshot(page, "reset-password");
  await page.getByRole("button", { name: "Set new password" }).click();
  await page.waitForURL("**/dashboard");
  await expect(page.getByTestId("user-email")).toHaveText(user.email);

  // The browser that was signed in before the reset is signed out.
  await oldPage.goto("/dashboard");
  await oldPage.waitForURL("**/signin?callbackUrl=%2Fdashboard");

  // The link worked once.
  await page.goto(link);
  await page.getByLabel("New password", { exact: true }).fill("another-long-password");
  await page.getByLabel("Confirm new password").fill("another-long-password");
  await page.getByRole("button", { name: "Set new password" }).click();
  await expect(page.getByRole("form", { name: "Reset password" }).getByRole("alert")).toContainText("invalid, was already used or has expired");

  // The owner is told the password changed.
  expect(outboxFor(user.email).some((m) => m.subject === "Your password was changed")).toBe(true);
  await oldContext.close();
  await context.close();
});

test("an unknown address gets the same answer and no email", async ({ page }) => {
  const stranger = newUser("nobody");
  await page.goto("/forgot-password");
  await page.getByLabel("Email").fill(stranger.email);
  await page.getByRole("button", { name: "Send reset link" }).click();
  await expect(page.getByRole("status")).toContainText("If an account uses this address, we sent it a link");
  await page.waitForTimeout(1_500);
  expect(outboxFor(stranger.email)).toHaveLength(0);
});

test("sign-up sends a verification link; confirming it shows on the account page", async ({ page }) => {
  const user = await signUp(page);
  await page.goto("/settings");
  await page.getByRole("link", { name: "Email and account" }).click();
  await expect(page.getByTestId("email-status")).toContainText("Not confirmed");
  const { message, link } = await linkFromOutbox(user.email, "/verify-email");
  expect(message.subject).toBe("Confirm your email address");
  await page.goto(link);
  await page.getByRole("button", { name: "Confirm my email address" }).click();
  await expect(page.getByRole("status")).toContainText("Your email address is confirmed.");
  await page.goto("/settings/account");
  await expect(page.getByTestId("email-status")).toContainText("Confirmed");
  await saveScreenshot(page, "settings-account");
  await page.goto("/settings/notifications");
  await expect(page.getByTestId("alert-preferences")).toContainText("Game crashed");
  await saveScreenshot(page, "settings-notifications");
  // The outbox page is for development only.
  expect((await page.request.get("/dev/outbox")).status()).toBe(404);
});
