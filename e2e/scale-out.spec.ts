import { execFile } from "node:child_process";
import { readFileSync } from "node:fs";
import { promisify } from "node:util";
import path from "node:path";
import { expect, test, type Browser, type BrowserContext, type Page } from "@playwright/test";
import { startNginx, type Nginx } from "../test/support/nginx";
import { startPortal, type Portal } from "../test/faults/portal";
import { signUp } from "./support/auth";
import { stopEveryServer } from "./support/cleanup";

/**
 * Two portal instances behind Debian's nginx with the production configuration (deploy/nginx), on
 * the e2e run's PostgreSQL: consecutive requests land on different instances (X-ZLH-Instance), and
 * a user signs in, creates a dev container with code-server, uses its console, uploads a file and
 * opens the IDE through nginx. Then one instance stops: the user stays signed in and keeps working.
 */
// This file's containers stop once its tests are done (later specs share the machine).
test.afterAll(async ({ browser }) => stopEveryServer(browser));

test.describe.configure({ mode: "serial" });
test.setTimeout(12 * 60_000);

const root = path.resolve(path.dirname(new URL(import.meta.url).pathname), "..");
const dataDir = process.env.E2E_DATA_DIR ?? path.join(root, ".data/e2e");
type Server = { id: string; vmid: number; status: string; lastError: string | null };

/** The e2e portal's embedded PostgreSQL (started by the main e2e server in this data folder). */
function e2eDatabaseUrl(): string {
  const pid = readFileSync(path.join(dataDir, "pg", "postmaster.pid"), "utf8").split("\n");
  const password = readFileSync(path.join(dataDir, "pg.password"), "utf8").trim();
  return `postgresql://zlh:${encodeURIComponent(password)}@127.0.0.1:${pid[3]!.trim()}/zlh`;
}

let nginx: Nginx;
let portals: Portal[] = [];
let ctx: BrowserContext;
let page: Page;
let server: Server;

async function trpc<T>(p: Page, procedure: string, input: unknown, kind: "query" | "mutation"): Promise<T> {
  const res =
    kind === "mutation"
      ? await p.request.post(`/api/trpc/${procedure}`, { data: { json: input }, headers: { origin: nginx.origin } })
      : await p.request.get(`/api/trpc/${procedure}?input=${encodeURIComponent(JSON.stringify({ json: input }))}`);
  expect(res.ok(), `${procedure}: ${await res.text()}`).toBe(true);
  return ((await res.json()) as { result: { data: { json: T } } }).result.data.json;
}

async function consoleRoundTrip(p: Page, marker: string): Promise<void> {
  await p.goto(`/servers/${server.id}?tab=console`);
  await expect(p.getByTestId("console-state")).toHaveText("Connected", { timeout: 30_000 });
  await p.getByTestId("console").click();
  await p.keyboard.type(`echo ${marker}-$((20+22))`);
  await p.keyboard.press("Enter");
  await expect(p.getByTestId("console")).toContainText(`${marker}-42`, { timeout: 30_000 });
}

test.beforeAll(async ({ browser }: { browser: Browser }) => {
  // The IDE needs code-server in the run's store (publishing the cached build again is a no-op).
  await promisify(execFile)(process.execPath, ["--import", "tsx", "scripts/artifacts.ts", "build", "code-server", "--publish", "--data-dir", dataDir], {
    cwd: root,
    timeout: 10 * 60_000,
    maxBuffer: 16 << 20,
  });
  const databaseUrl = e2eDatabaseUrl();
  const secrets = { nextauth: process.env.E2E_NEXTAUTH_SECRET!, key: process.env.E2E_SECRET_KEY! };
  const { freePort } = await import("../src/server/net/free-port");
  const ports = [await freePort(), await freePort()];
  const nginxDir = path.join(dataDir, "scale-out-nginx");
  nginx = await startNginx(nginxDir, ports.map((p) => `127.0.0.1:${p}`));
  portals = await Promise.all(
    ports.map((port, i) =>
      startPortal({
        dataDir,
        databaseUrl,
        secrets,
        port,
        name: `portal-${"ab"[i]}`,
        publicUrl: nginx.origin,
        // As for the main e2e portal: every spec signs up from 127.0.0.1, and since the sign-up limits
        // live in the shared database the whole run counts against one budget (limits have their own tests).
        env: { ZLH_TRUSTED_PROXIES: "1", ZLH_PUBLIC_URL: nginx.origin, LOG_LEVEL: "warn", ZLH_SIGNUP_PER_MINUTE: "1000" },
      }),
    ),
  );
  ctx = await browser.newContext({ baseURL: nginx.origin, ignoreHTTPSErrors: true });
  page = await ctx.newPage();
});

test.afterAll(async () => {
  await ctx?.close();
  for (const p of portals) await p.stop().catch(() => {});
  await nginx?.stop();
});

test("consecutive requests land on different portal instances", async () => {
  const seen = new Set<string>();
  for (let i = 0; i < 8; i++) {
    const r = await page.request.get("/api/health");
    expect(r.ok()).toBe(true);
    seen.add(r.headers()["x-zlh-instance"] ?? "");
  }
  expect([...seen].sort()).toEqual(["portal-a", "portal-b"]);
});

test("sign up, create a dev container, console, upload and IDE, all through nginx", async () => {
  await signUp(page);
  server = await trpc<Server>(page, "servers.create", { kind: "dev", name: "scale-out", runtimeId: "node", enableCodeServer: true, memoryMb: 1024 }, "mutation");
  await expect
    .poll(async () => {
      const s = await trpc<Server>(page, "servers.get", { serverId: server.id }, "query");
      if (s.status === "error") throw new Error(`provisioning failed: ${s.lastError}`);
      return s.status;
    }, { timeout: 8 * 60_000, intervals: [2_000] })
    .toBe("running");

  await consoleRoundTrip(page, "via-nginx");

  const bytes = Buffer.alloc(200_000, 5);
  const base = `/api/servers/${server.id}/files/uploads`;
  const origin = { origin: nginx.origin };
  const created = await page.request.post(base, { data: { path: "scale-out.bin", size: bytes.length, overwrite: true }, headers: origin });
  expect(created.ok(), await created.text()).toBe(true);
  const { uploadId } = (await created.json()) as { uploadId: string };
  const put = await page.request.put(`${base}/${uploadId}?offset=0`, { data: bytes, headers: origin });
  expect(put.ok(), await put.text()).toBe(true);
  const listing = await page.request.get(`/api/servers/${server.id}/files/download?path=scale-out.bin`);
  expect(listing.ok()).toBe(true);
  expect((await listing.body()).length).toBe(bytes.length);

  await page.goto(`/servers/${server.id}?tab=ide`);
  const button = page.getByRole("link", { name: "Open IDE" });
  await expect(button).toBeVisible({ timeout: 90_000 });
  const [ide] = await Promise.all([ctx.waitForEvent("page"), button.click()]);
  await ide.waitForURL((u) => u.hostname === `dev-${server.vmid}.localhost` && !u.search.includes("token"), { timeout: 60_000 });
  await expect(ide.locator(".monaco-workbench")).toBeVisible({ timeout: 120_000 });
  await ide.close();
});

test("stopping one instance keeps the user signed in and working", async () => {
  await portals[0]!.stop();
  for (let i = 0; i < 4; i++) {
    const r = await page.request.get("/api/health");
    expect(r.headers()["x-zlh-instance"]).toBe("portal-b");
  }
  await page.goto("/dashboard");
  await expect(page.getByTestId("server-card").filter({ hasText: "scale-out" })).toBeVisible({ timeout: 30_000 });
  await consoleRoundTrip(page, "after-stop");
});
