import { randomUUID } from "node:crypto";
import { expect, type Page } from "@playwright/test";
import { verifyEmailFromOutbox } from "./outbox";

/**
 * Helpers for specs that need a user. Every user is unique, so specs never collide:
 *   const user = await signUp(page);          // through the sign-up form, lands on /dashboard
 *   const user = await createSignedInUser(page); // through the API: faster, for specs about other pages
 *   await signOut(page); await signIn(page, user);
 */
export type TestUser = { email: string; password: string };

export function uniqueEmail(prefix = "e2e"): string {
  return `${prefix}-${randomUUID().slice(0, 12)}@example.test`;
}

export function newUser(prefix?: string): TestUser {
  return { email: uniqueEmail(prefix), password: `pw-${randomUUID()}` };
}

/** Signs up through the form and waits for the dashboard. */
export async function signUp(page: Page, user: TestUser = newUser()): Promise<TestUser> {
  await page.goto("/signup");
  await page.getByLabel("Email").fill(user.email);
  await page.getByLabel("Password").fill(user.password);
  await page.getByRole("button", { name: "Create account" }).click();
  await page.waitForURL("**/dashboard");
  await expect(page.getByTestId("user-email")).toHaveText(user.email);
  return user;
}

/** Signs in through the form; `expectPath` is where the sign-in should land (default /dashboard). */
export async function signIn(page: Page, user: TestUser, expectPath = "/dashboard"): Promise<void> {
  if (!page.url().includes("/signin")) await page.goto("/signin");
  await page.getByLabel("Email").fill(user.email);
  await page.getByLabel("Password").fill(user.password);
  await page.getByRole("button", { name: "Sign in" }).click();
  await page.waitForURL((url) => url.pathname === expectPath);
}

/** Signs out with the portal's button and waits for the landing page. */
export async function signOut(page: Page): Promise<void> {
  await page.getByRole("button", { name: "Sign out", exact: true }).click();
  await page.waitForURL((url) => url.pathname === "/");
}

/**
 * Creates a user with the account API, confirms the address from the outbox and signs in with
 * next-auth's endpoints; the session cookie lands in the page's browser context. No page is loaded.
 */
export async function createSignedInUser(page: Page, user: TestUser = newUser()): Promise<TestUser> {
  const created = await page.request.post("/api/trpc/account.signUp", { data: { json: user } });
  expect(created.ok(), await created.text()).toBe(true);
  const { csrfToken } = (await (await page.request.get("/api/auth/csrf")).json()) as { csrfToken: string };
  const signedIn = await page.request.post("/api/auth/callback/credentials", {
    form: { csrfToken, email: user.email, password: user.password, json: "true" },
  });
  expect(signedIn.ok(), await signedIn.text()).toBe(true);
  const session = (await (await page.request.get("/api/auth/session")).json()) as { user?: { email?: string } };
  expect(session.user?.email).toBe(user.email);
  // Specs about other pages start from a confirmed address (a second server and paid plans need one).
  await verifyEmailFromOutbox(page, user.email);
  return user;
}
