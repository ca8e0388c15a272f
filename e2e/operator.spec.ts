import { spawn, spawnSync, type ChildProcess } from "node:child_process";
import { randomBytes, randomUUID } from "node:crypto";
import { existsSync, mkdirSync, mkdtempSync, rmSync } from "node:fs";
import net from "node:net";
import os from "node:os";
import path from "node:path";
import { expect, test, type Page } from "@playwright/test";
import { createSignedInUser, newUser, signUp } from "./support/auth";
import { grantAdmin, stopEveryServer } from "./support/cleanup";
import { createServerThroughWizard } from "./support/servers";
import { saveScreenshot } from "./support/screenshots";
import { PORTAL_NODE_FLAGS } from "../src/server/runtime/node-flags";

/**
 * The operator console and the first run (#17), against the real custom server: admins granted by
 * `npm run admin -- grant`, artifacts promoted and rolled back through /admin, a user suspended from
 * /admin, a fresh data folder whose wizard shows the game being prepared, and a real Minecraft
 * client (mineflayer) joining through the Connect address the game page shows.
 */
const dataDir = process.env.E2E_DATA_DIR ?? path.resolve(".data/e2e");
const ADMIN_ROUTES = ["/admin", "/admin/users", "/admin/servers", "/admin/jobs", "/admin/artifacts", "/admin/audit"];
const ADMIN_PROCEDURES: [string, "query" | "mutation", unknown][] = [
  ["admin.users", "query", {}],
  ["admin.servers", "query", {}],
  ["admin.queues", "query", null],
  ["admin.failedJobs", "query", {}],
  ["admin.catalog", "query", null],
  ["admin.builds", "query", null],
  ["admin.audit", "query", {}],
  ["admin.suspendUser", "mutation", { userId: "x", reason: "nope" }],
  ["admin.unsuspendUser", "mutation", { userId: "x" }],
  ["admin.serverPower", "mutation", { serverId: "x", action: "stop" }],
  ["admin.retryJob", "mutation", { queue: "server-create", id: randomUUID() }],
  ["admin.build", "mutation", { name: "node", version: "24.21.0" }],
  ["admin.retryBuild", "mutation", { buildId: "x" }],
  ["admin.promote", "mutation", { name: "node", version: "22.23.3", channel: "stable" }],
  ["admin.rollback", "mutation", { name: "node", channel: "stable" }],
  ["admin.verify", "mutation", null],
];

async function trpc(page: Page, proc: string, kind: "query" | "mutation", input: unknown) {
  const res =
    kind === "mutation"
      ? await page.request.post(`/api/trpc/${proc}`, { data: { json: input } })
      : await page.request.get(`/api/trpc/${proc}?input=${encodeURIComponent(JSON.stringify({ json: input }))}`);
  return { status: res.status(), body: (await res.json().catch(() => null)) as { result?: { data?: { json?: unknown } }; error?: { json?: { message?: string; data?: { code?: string } } } } | null };
}

// This file's containers stop once its tests are done (later specs share the machine).
test.afterAll(async ({ browser }) => stopEveryServer(browser));

test.describe("operator console", () => {
  test.setTimeout(300_000);

  test("a non-admin gets 404 on every /admin route and procedure, signed in or not", async ({ browser }) => {
    const anon = await browser.newPage();
    const page = await browser.newPage();
    await createSignedInUser(page);
    for (const p of [anon, page]) {
      for (const route of ADMIN_ROUTES) {
        const r = await p.goto(route);
        expect([route, r?.status()]).toEqual([route, 404]);
      }
      for (const [proc, kind, input] of ADMIN_PROCEDURES) {
        const r = await trpc(p, proc, kind, input);
        expect([proc, r.status, r.body?.error?.json?.data?.code]).toEqual([proc, 404, "NOT_FOUND"]);
      }
    }
    // The operator link is not shown either.
    await page.goto("/dashboard");
    await expect(page.getByRole("link", { name: "Operator" })).toHaveCount(0);
    await anon.close();
    await page.close();
  });

  test("an admin promotes and rolls back an artifact from /admin, and a new server gets the promoted version", async ({ page }) => {
    const admin = await createSignedInUser(page);
    grantAdmin(admin.email);
    // The first run publishes both Node LTS versions; stable ends on the newest.
    await expect.poll(async () => ((await trpc(page, "servers.runtimeCatalog", "query", null)).body?.result?.data?.json as { runtimes: { name: string; versions: unknown[] }[] } | undefined)?.runtimes.find((r) => r.name === "node")?.versions.length ?? 0, { timeout: 240_000 }).toBeGreaterThanOrEqual(2);
    await page.goto("/admin/artifacts");
    const stable = page.getByTestId("channel-node-stable");
    await expect(stable.getByTestId("channel-current")).toHaveText("24.21.0");
    await page.getByTestId("artifact-node-22.23.3").getByRole("button", { name: "Promote to stable" }).click();
    await expect(page.getByTestId("artifact-change")).toContainText("24.21.0 → 22.23.3");
    await expect(stable.getByTestId("channel-current")).toHaveText("22.23.3");
    await saveScreenshot(page, "admin-artifacts");

    // A new dev server gets the promoted version.
    await page.goto("/servers/new");
    const form = page.getByTestId("create-wizard");
    await form.getByText("Dev container", { exact: true }).click();
    await form.getByLabel("Name").fill("promoted");
    await expect(form.locator('select[name="runtimeVersion"]')).toContainText("Recommended (22.23.3)");
    await form.getByRole("button", { name: "Create server" }).click();
    await expect(page.getByTestId("provisioning")).toBeVisible();
    const list = (await trpc(page, "servers.list", "query", null)).body?.result?.data?.json as { id: string; runtimeVersion: string }[];
    expect(list.map((s) => s.runtimeVersion)).toEqual(["22.23.3"]);

    // Roll back from the console: stable is 24 again, the next server would get it.
    await page.goto("/admin/artifacts");
    await stable.getByRole("button", { name: "Roll back" }).click();
    await expect(page.getByTestId("artifact-change")).toContainText("22.23.3 → 24.21.0");
    await expect(stable.getByTestId("channel-current")).toHaveText("24.21.0");
    const cat = (await trpc(page, "servers.runtimeCatalog", "query", null)).body?.result?.data?.json as { runtimes: { name: string; defaultVersion: string }[] };
    expect(cat.runtimes.find((r) => r.name === "node")?.defaultVersion).toBe("24.21.0");
    await page.getByRole("button", { name: "Verify store" }).click();
    await expect(page.getByTestId("verify-result")).toContainText("all match", { timeout: 120_000 });

    // Both changes are in the audit log, with the operator as actor.
    await page.goto(`/admin/audit?actor=${encodeURIComponent(admin.email)}`);
    await expect(page.getByTestId("audit-row").filter({ hasText: "admin.artifact_rollback" })).toHaveCount(1);
    await expect(page.getByTestId("audit-row").filter({ hasText: "admin.artifact_promote" })).toHaveCount(1);
    for (const s of list) await trpc(page, "servers.delete", "mutation", { serverId: s.id });
  });

  test("a suspended user sees why and cannot start or create servers", async ({ browser }) => {
    const userPage = await browser.newPage();
    const user = await createSignedInUser(userPage);
    const made = await trpc(userPage, "servers.create", "mutation", { kind: "dev", name: "to-suspend", runtimeId: "node", enableCodeServer: false, memoryMb: 512 });
    expect(made.status, JSON.stringify(made.body)).toBe(200);
    const serverId = (made.body?.result?.data?.json as { id: string }).id;

    const adminPage = await browser.newPage();
    const admin = await createSignedInUser(adminPage);
    grantAdmin(admin.email);
    await adminPage.goto(`/admin/users`);
    await adminPage.getByLabel("Search users").fill(user.email);
    const row = adminPage.getByTestId(`admin-user-${user.email}`);
    await row.getByLabel(`Suspension reason for ${user.email}`).fill("payment dispute under review");
    await row.getByRole("button", { name: "Suspend" }).click();
    await expect(row.getByText("payment dispute under review")).toBeVisible();

    await userPage.goto("/dashboard");
    await expect(userPage.getByTestId("account-suspended")).toContainText("Your account is suspended: payment dispute under review");
    await saveScreenshot(userPage, "account-suspended");
    // Provisioning may still be settling; once it has, start is refused with the reason.
    await expect
      .poll(async () => {
        const r = await trpc(userPage, "servers.start", "mutation", { serverId });
        return r.body?.error?.json?.message ?? `status ${r.status}`;
      }, { timeout: 240_000, intervals: [2_000] })
      .toMatch(/suspended/);
    const again = await trpc(userPage, "servers.create", "mutation", { kind: "dev", name: "another", runtimeId: "node", enableCodeServer: false, memoryMb: 512 });
    expect(again.body?.error?.json?.message).toContain("Your account is suspended: payment dispute under review");

    await adminPage.goto(`/admin/users`);
    await adminPage.getByLabel("Search users").fill(user.email);
    const adminRow = adminPage.getByTestId(`admin-user-${user.email}`);
    await adminRow.getByRole("button", { name: "Lift suspension" }).click();
    // The lift has landed once the row offers to suspend again; only then is the user's page judged.
    await expect(adminRow.getByRole("button", { name: "Suspend", exact: true })).toBeVisible();
    await userPage.goto("/dashboard");
    await expect(userPage.getByTestId("account-suspended")).toHaveCount(0);
    await trpc(userPage, "servers.delete", "mutation", { serverId });
    await userPage.close();
    await adminPage.close();
  });
});

test.describe("game page", () => {
  test.setTimeout(360_000);

  test("the Connect address works for a real Minecraft client and the page shows it online", async ({ page }) => {
    await createSignedInUser(page);
    const serverId = await createServerThroughWizard(page, "game", "connect-test");
    const address = page.getByTestId("connect-address");
    await expect(address).toBeVisible({ timeout: 60_000 });
    await expect(page.getByTestId("motd")).toHaveText("connect-test", { timeout: 120_000 });
    const text = (await address.textContent())!.trim();
    const [host, port] = text.includes(":") ? [text.slice(0, text.lastIndexOf(":")), Number(text.slice(text.lastIndexOf(":") + 1))] : [text, 25565];
    const { createBot } = (await import("mineflayer")) as unknown as { createBot: (o: object) => { once(e: string, f: (...a: unknown[]) => void): void; quit(): void } };
    const bot = createBot({ host, port, username: "ConnectBot", auth: "offline", version: "1.21.4", hideErrors: true, viewDistance: "tiny", physicsEnabled: false });
    await new Promise<void>((resolve, reject) => {
      const t = setTimeout(() => reject(new Error(`the bot did not spawn on ${text} within 90 s`)), 90_000);
      bot.once("spawn", () => (clearTimeout(t), resolve()));
      bot.once("error", (e) => (clearTimeout(t), reject(e as Error)));
      bot.once("kicked", (r) => (clearTimeout(t), reject(new Error(`kicked: ${JSON.stringify(r)}`))));
    });
    await expect(page.getByTestId("players-online")).toContainText("1 /", { timeout: 30_000 });
    await saveScreenshot(page, "game-connect");
    bot.quit();
    await trpc(page, "servers.delete", "mutation", { serverId });
  });
});

test.describe("first run on a fresh data folder", () => {
  // In the full suite the machine also runs the earlier specs' containers: packing is slower there.
  test.setTimeout(900_000);
  let portal: ChildProcess | undefined;
  let tmp: string;

  test.afterAll(async () => {
    if (portal?.pid) {
      try {
        process.kill(-portal.pid, "SIGTERM");
      } catch {
        // Already gone.
      }
      await new Promise((r) => setTimeout(r, 3_000));
    }
    if (tmp) rmSync(tmp, { recursive: true, force: true });
  });

  test("the wizard shows the game as being prepared, then offers it without a reload", async ({ browser }) => {
    // A portal of its own on a fresh data folder and a build cache where Node 24 is not built yet
    // (the first run builds it first, for real, from npm), Node 22 is, and flying-squid is installed
    // but not packed: the game waits in the queue, then is packed and published while the wizard is open.
    tmp = mkdtempSync(path.join(os.tmpdir(), "zlh-first-run-"));
    const cache = process.env.ZLH_CACHE_DIR ?? path.join(os.homedir(), ".cache", "zeroLagHub");
    for (const rel of [path.join("flying-squid", "1.12.0", "build"), path.join("node", "22.23.3")]) {
      expect(existsSync(path.join(cache, rel)), `needs ${rel} in the build cache (${cache})`).toBe(true);
      mkdirSync(path.dirname(path.join(tmp, "cache", rel)), { recursive: true });
      // Hard links: the trees are large and only read (the builders pack or publish them).
      const cp = spawnSync("cp", ["-al", path.join(cache, rel), path.join(tmp, "cache", rel)], { encoding: "utf8" });
      expect(cp.status, cp.stderr).toBe(0);
    }
    const port = await new Promise<number>((resolve) => {
      const s = net.createServer().listen(0, "127.0.0.1", () => {
        const p = (s.address() as net.AddressInfo).port;
        s.close(() => resolve(p));
      });
    });
    const base = `http://127.0.0.1:${port}`;
    portal = spawn(process.execPath, [...PORTAL_NODE_FLAGS, "--import", "tsx", "server.ts"], {
      detached: true,
      stdio: "ignore",
      env: {
        ...process.env,
        NODE_ENV: "production",
        PORT: String(port),
        HOST: "127.0.0.1",
        ZLH_DATA_DIR: path.join(tmp, "data"),
        ZLH_CACHE_DIR: path.join(tmp, "cache"),
        ZLH_SEED_ARTIFACTS: "node,flying-squid",
        NEXTAUTH_URL: base,
        NEXTAUTH_SECRET: randomBytes(32).toString("base64url"),
        ZLH_SECRET_KEY: randomBytes(32).toString("hex"),
        ZLH_SIGNUP_PER_MINUTE: "1000",
        STRIPE_SECRET_KEY: "",
        STRIPE_WEBHOOK_SECRET: "",
        LOG_LEVEL: "warn",
        // Its own log file under the run's data folder: kept for a failure's diagnosis, and scanned for credentials.
        ZLH_LOG_FILE: path.join(dataDir, "logs", "first-run-portal.log"),
      },
    });
    await expect.poll(async () => (await fetch(`${base}/api/health`).then((r) => r.status).catch(() => 0)), { timeout: 180_000, intervals: [1_000] }).toBe(200);

    const ctx = await browser.newContext({ baseURL: base });
    const page = await ctx.newPage();
    await signUp(page, newUser("first-run"));
    await page.goto("/servers/new");
    const form = page.getByTestId("create-wizard");
    await expect(form.getByTestId("preparing-flying-squid")).toContainText(/Minecraft is (being|waiting to be) prepared/, { timeout: 60_000 });
    await expect(form.locator('select[name="gameTemplate"]')).toContainText("Minecraft is");
    await expect(form.getByTestId("preparing-flying-squid")).toContainText(/Minecraft is being prepared, \d+%/, { timeout: 300_000 });
    await saveScreenshot(page, "wizard-being-prepared");
    const url = page.url();
    // Published: the game becomes selectable in the same page, and the preparing line goes away.
    await expect(form.locator('select[name="gameTemplate"]')).toHaveValue("flying-squid", { timeout: 480_000 });
    await expect(form.getByTestId("preparing-flying-squid")).toHaveCount(0);
    expect(page.url()).toBe(url);
    await ctx.close();
  });
});
