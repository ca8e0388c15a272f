import { execFile } from "node:child_process";
import path from "node:path";
import { promisify } from "node:util";
import { expect, test, type Browser, type Page } from "@playwright/test";
import { createSignedInUser, signUp } from "./support/auth";
import { writeContainerFile } from "./support/containers";
import { stopEveryServer } from "./support/cleanup";

/**
 * The hosted IDE end to end, in Chromium against the real portal, the local provider, a real agent
 * and the real code-server artifact (built by `npm run artifacts -- build code-server`, cached under
 * ~/.cache/zeroLagHub): Open IDE -> one-shot token -> dev-<vmid>.localhost -> the VS Code workbench
 * with the workspace in its explorer. A second user gets nowhere, a replayed token is refused, and
 * the legacy /__ide path leads into the hosted flow.
 */
// This file's containers stop once its tests are done (later specs share the machine).
test.afterAll(async ({ browser }) => stopEveryServer(browser));

test.describe.configure({ mode: "serial" });
test.setTimeout(12 * 60_000);

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

let state: { server: Server; ideOrigin: string; usedTokenUrl: string } | undefined;

test.beforeAll(async () => {
  // The portal's store starts empty in e2e runs: publish the cached code-server build into it.
  await promisify(execFile)(process.execPath, ["--import", "tsx", "scripts/artifacts.ts", "build", "code-server", "--publish", "--data-dir", dataDir], {
    cwd: root,
    timeout: 10 * 60_000,
    maxBuffer: 16 << 20,
  });
});

test("Open IDE opens VS Code at dev-<vmid>.localhost with the workspace in its explorer", async ({ page }) => {
  await signUp(page);
  // Create the dev container with code-server through the portal's wizard.
  await page.goto("/servers/new");
  const form = page.getByTestId("create-wizard");
  await form.getByText("Dev container", { exact: true }).click();
  await form.getByLabel("Name").fill("IDE e2e");
  await expect(form.locator('select[name="runtimeId"]')).toHaveValue("node", { timeout: 120_000 });
  await form.getByRole("checkbox", { name: /Enable code-server/ }).check();
  await form.getByRole("button", { name: "Create server" }).click();
  await expect(page.getByTestId("provisioning")).toBeVisible();
  let server: Server | undefined;
  await expect
    .poll(async () => {
      [server] = await trpc<Server[]>(page, "servers.list", undefined, "query");
      if (server?.status === "error") throw new Error(`provisioning failed: ${server.lastError}`);
      return server?.status;
    }, { timeout: 8 * 60_000, intervals: [2_000] })
    .toBe("running");
  server = server!;

  // A file in the container's workspace, put there from the host side.
  writeContainerFile(dataDir, server.vmid, "/home/dev/workspace/hello-from-zerolaghub.md", "# Hosted IDE e2e\n");

  const tokenUrls: string[] = [];
  page.context().on("request", (r) => {
    if (r.url().includes("/__zlh/auth?token=")) tokenUrls.push(r.url());
  });
  // Open IDE on the server page (enabled once the agent reports code-server running); new tab.
  await page.goto(`/servers/${server.id}?tab=ide`);
  const button = page.getByRole("link", { name: "Open IDE" });
  await expect(button).toHaveAttribute("href", `/api/dev/${server.id}/ide`, { timeout: 60_000 });
  const [ide] = await Promise.all([page.context().waitForEvent("page"), button.click()]);
  const port = new URL(page.url()).port;
  const ideOrigin = `http://dev-${server.vmid}.localhost:${port}`;
  await ide.waitForURL((u) => u.origin === ideOrigin && u.pathname === "/" && !u.search.includes("token"), { timeout: 60_000 });
  await expect(ide.locator(".monaco-workbench")).toBeVisible({ timeout: 120_000 });
  const explorer = ide.locator(".explorer-folders-view");
  await expect(explorer.getByText("hello-from-zerolaghub.md")).toBeVisible({ timeout: 120_000 });
  expect(ide.url()).not.toContain("token=");
  expect(tokenUrls).toHaveLength(1);
  state = { server, ideOrigin, usedTokenUrl: tokenUrls[0]! };

  // The IDE session cookie: host-only on the dev host, HttpOnly, SameSite=Lax.
  const cookie = (await page.context().cookies(ideOrigin)).find((c) => c.name === "zlh_ide");
  expect(cookie).toMatchObject({ domain: `dev-${server.vmid}.localhost`, httpOnly: true, sameSite: "Lax", secure: false });
  expect((await page.context().cookies("http://localhost")).some((c) => c.name === "zlh_ide")).toBe(false);

  // The legacy path no longer proxies on the portal's origin: it leads into the hosted flow.
  const legacy = await page.goto(`/__ide/${server.vmid}/`);
  await page.waitForURL((u) => u.origin === ideOrigin, { timeout: 60_000 });
  const chain: string[] = [];
  for (let r = legacy?.request() ?? null; r; r = r.redirectedFrom()) chain.unshift(new URL(r.url()).pathname);
  expect(chain.slice(0, 3)).toEqual([`/__ide/${server.vmid}/`, `/api/dev/${server.vmid}/ide`, "/__zlh/auth"]);
});

async function secondUser(browser: Browser): Promise<Page> {
  const context = await browser.newContext({ baseURL: test.info().project.use.baseURL });
  const page = await context.newPage();
  await createSignedInUser(page);
  return page;
}

test("a second user gets neither the IDE, a token, nor anything from a replayed token", async ({ browser }) => {
  test.skip(!state, "needs the running IDE from the previous test");
  const { server, ideOrigin, usedTokenUrl } = state!;
  const other = await secondUser(browser);

  const direct = await other.goto(`${ideOrigin}/?folder=/home/dev/workspace`);
  expect(direct?.status()).toBe(401);
  await expect(other.getByRole("heading", { name: "Open this IDE from the portal" })).toBeVisible();
  await expect(other.locator(".monaco-workbench")).toHaveCount(0);

  const viaPortal = await other.goto(`/api/dev/${server.id}/ide`);
  expect(viaPortal?.status()).toBe(404);
  expect(new URL(other.url()).hostname).toBe("localhost");
  await expect(other.getByRole("heading", { name: "No IDE here for your account" })).toBeVisible();

  const replay = await other.goto(usedTokenUrl);
  expect(replay?.status()).toBe(403);
  await expect(other.getByRole("heading", { name: "This IDE link has expired" })).toBeVisible();
  const cookies = await other.context().cookies(ideOrigin);
  expect(cookies.filter((c) => c.name === "zlh_ide")).toHaveLength(0);

  await other.context().close();
});

test("signed out, the legacy /__ide path and the Open IDE link go through sign-in", async ({ page }) => {
  test.skip(!state, "needs the server from the first test");
  const { vmid } = state!.server;
  const res = await page.request.get(`/__ide/${vmid}/`, { maxRedirects: 0 });
  expect(res.status()).toBe(302);
  expect(res.headers().location).toBe(`/api/dev/${vmid}/ide`);
  await page.goto(`/__ide/${vmid}/`);
  await page.waitForURL((u) => u.pathname === "/signin");
  expect(new URL(page.url()).searchParams.get("callbackUrl")).toBe(`/api/dev/${vmid}/ide`);
});
