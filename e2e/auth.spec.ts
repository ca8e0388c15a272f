import { expect, test } from "@playwright/test";
import { createSignedInUser, newUser, signIn, signOut, signUp } from "./support/auth";
import { desktopViewport, phoneViewport, saveScreenshot } from "./support/screenshots";

test("landing page explains the product and shows the plans", async ({ page }) => {
  await page.goto("/");
  await expect(page.getByRole("heading", { level: 1 })).toContainText("get back up");
  await expect(page.locator("[data-plan]")).toHaveCount(3);
  await expect(page.locator('[data-plan="starter"]')).toContainText("$8");
  await saveScreenshot(page, "landing");
  await page.setViewportSize(phoneViewport);
  await saveScreenshot(page, "landing-phone");
});

test("sign up -> dashboard -> sign out -> sign in", async ({ page }) => {
  const user = await signUp(page);
  await expect(page.getByRole("heading", { name: "No servers yet" })).toBeVisible();
  await expect(page.getByRole("link", { name: "Create server" })).toHaveAttribute("href", "/servers/new");
  await saveScreenshot(page, "dashboard");
  await page.setViewportSize(phoneViewport);
  await saveScreenshot(page, "dashboard-phone");
  await page.setViewportSize(desktopViewport);

  await signOut(page);
  await page.goto("/dashboard");
  await page.waitForURL("**/signin?callbackUrl=%2Fdashboard");
  await saveScreenshot(page, "signin");
  await signIn(page, user);
  await expect(page.getByTestId("user-email")).toHaveText(user.email);
});

test("a wrong password is refused inline", async ({ page }) => {
  const user = await createSignedInUser(page);
  await page.context().clearCookies();
  await page.goto("/signin");
  await page.getByLabel("Email").fill(user.email);
  await page.getByLabel("Password").fill("not the right password");
  await page.getByRole("button", { name: "Sign in" }).click();
  await expect(page.getByRole("form", { name: "Sign in" }).getByRole("alert")).toHaveText("Wrong email or password.");
  await expect(page).toHaveURL(/\/signin$/);
});

test("sign-up errors show next to the field", async ({ page }) => {
  const user = await createSignedInUser(page);
  await page.context().clearCookies();
  await page.goto("/signup");
  await page.getByLabel("Email").fill(user.email.toUpperCase());
  await page.getByLabel("Password").fill("another long password");
  await page.getByRole("button", { name: "Create account" }).click();
  // The same answer as for a new email (no account discovery); only signing in then fails.
  await expect(page.getByText("If you already have an account, sign in instead.")).toBeVisible();

  await page.getByLabel("Email").fill("not-an-email");
  await page.getByLabel("Password").fill("short");
  await page.getByRole("button", { name: "Create account" }).click();
  await expect(page.getByText("Enter a valid email address.")).toBeVisible();
  await expect(page.getByText("Password must be at least 10 characters.")).toBeVisible();
  await expect(page).toHaveURL(/\/signup$/);
});

test("a protected page redirects when signed out, and back after sign-in", async ({ page }) => {
  const direct = await page.request.get("/settings", { maxRedirects: 0 });
  expect(direct.status()).toBe(307);
  expect(direct.headers()["location"]).toContain("/signin?callbackUrl=%2Fsettings");

  const user = await createSignedInUser(page);
  await page.context().clearCookies();
  await page.goto("/settings");
  await page.waitForURL("**/signin?callbackUrl=%2Fsettings");
  await signIn(page, user, "/settings");
  await expect(page.getByRole("heading", { name: "Settings" })).toBeVisible();
});

test("change password in settings, then sign in with the new one", async ({ page }) => {
  const user = await createSignedInUser(page);
  await page.goto("/settings");
  await expect(page.getByText(user.email).first()).toBeVisible();
  await page.getByLabel("Current password").fill("wrong current password");
  await page.getByLabel("New password", { exact: true }).fill("a brand new password");
  await page.getByLabel("Confirm new password").fill("a brand new password");
  await page.getByRole("button", { name: "Change password" }).click();
  await expect(page.getByText("Current password is wrong.")).toBeVisible();

  await page.getByLabel("Current password").fill(user.password);
  await page.getByRole("button", { name: "Change password" }).click();
  await expect(page.getByText("Password changed. Other devices were signed out.")).toBeVisible();
  // This browser signed in again with the new password: it is still signed in.
  await page.reload();
  await expect(page.getByText(user.email).first()).toBeVisible();

  await signOut(page);
  await page.goto("/signin");
  await signIn(page, { ...user, password: "a brand new password" });
});

test("signed-in visitors skip the auth pages", async ({ page }) => {
  const user = newUser();
  await createSignedInUser(page, user);
  await page.goto("/signin");
  await page.waitForURL("**/dashboard");
});
