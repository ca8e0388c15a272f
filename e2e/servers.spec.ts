import { createHash } from "node:crypto";
import path from "node:path";
import { expect, test, type Page } from "@playwright/test";
import { createSignedInUser } from "./support/auth";
import { gameHostPid, readContainerFile } from "./support/containers";
import { saveScreenshot } from "./support/screenshots";
import { stopEveryServer } from "./support/cleanup";

/**
 * The portal's server pages against the real custom server, real agents (local provider) and real
 * artifacts (flying-squid and Node from the store scripts/e2e.mjs seeds). Game crash backoff is
 * scaled down through ZLH_GAME_BACKOFF_MS (set by scripts/e2e.mjs, inherited by the agents).
 */
const dataDir = process.env.E2E_DATA_DIR ?? path.resolve(".data/e2e");

async function createServer(page: Page, kind: "game" | "dev", name: string): Promise<string> {
  await page.goto("/servers/new");
  const form = page.getByTestId("create-wizard");
  await form.getByText(kind === "game" ? "Game server" : "Dev container", { exact: true }).click();
  // Inline validation before anything is sent.
  await form.getByRole("button", { name: "Create server" }).click();
  await expect(form.getByText("Give your server a name.")).toBeVisible();
  await form.getByLabel("Name").fill(name);
  if (kind === "dev") await expect(form.locator('select[name="runtimeId"]')).toHaveValue("node", { timeout: 30_000 });
  else await expect(form.locator('select[name="gameTemplate"]')).toHaveValue("flying-squid", { timeout: 30_000 });
  await form.getByRole("button", { name: "Create server" }).click();
  await expect(page.getByTestId("provisioning")).toBeVisible();
  await expect(page.getByRole("progressbar", { name: "Install progress" }).or(page.getByTestId("provisioning-ready"))).toBeVisible();
  if (kind === "game") await saveScreenshot(page, "wizard-progress");
  await expect(page.getByTestId("provisioning-ready")).toBeVisible({ timeout: 240_000 });
  await page.getByRole("link", { name: "Open server" }).click();
  // /servers/new matches a plain /servers/<id> pattern too: wait until we have left the wizard.
  await page.waitForURL((url) => /^\/servers\/[^/]+$/.test(url.pathname) && url.pathname !== "/servers/new");
  return new URL(page.url()).pathname.split("/").pop()!;
}

function terminalText(page: Page) {
  return page.getByTestId("console").locator(".xterm-rows");
}

async function vmidOf(page: Page): Promise<number> {
  const text = await page.getByText(/vmid \d+/).first().textContent();
  return Number(/vmid (\d+)/.exec(text ?? "")![1]);
}

async function dropFile(page: Page, name: string, size: number) {
  const dt = await page.evaluateHandle(
    ({ name, size }) => {
      const bytes = new Uint8Array(size);
      for (let i = 0; i < size; i++) bytes[i] = (i * 31 + (i >> 12)) & 0xff;
      const t = new DataTransfer();
      t.items.add(new File([bytes], name, { type: "application/octet-stream" }));
      return t;
    },
    { name, size },
  );
  await page.getByTestId("file-browser").dispatchEvent("drop", { dataTransfer: dt });
}

function expectedSha(size: number): string {
  const bytes = Buffer.alloc(size);
  for (let i = 0; i < size; i++) bytes[i] = (i * 31 + (i >> 12)) & 0xff;
  return createHash("sha256").update(bytes).digest("hex");
}

// This file's containers stop once its tests are done (later specs share the machine).
test.afterAll(async ({ browser }) => stopEveryServer(browser));

test.describe.serial("game server", () => {
  test.setTimeout(300_000);
  let page: Page;
  let serverId: string;

  test.beforeAll(async ({ browser }) => {
    page = await browser.newPage();
  });
  test.afterAll(async () => {
    await page.close();
  });

  test("create with live progress, then the dashboard card updates by itself", async () => {
    await createSignedInUser(page);
    await page.goto("/dashboard");
    await expect(page.getByRole("link", { name: "Create server" })).toBeVisible();
    serverId = await createServer(page, "game", "E2E world");
    await expect(page.getByTestId("game-state")).toHaveText("Running", { timeout: 120_000 });
    await page.goto("/dashboard");
    const card = page.getByTestId("server-card").filter({ hasText: "E2E world" });
    await expect(card.getByTestId("server-state")).toHaveText("Running");
    // Two samples make a CPU figure: the poll brings it without a reload (the container's CPU in a
    // real container, the agent process's on the unisolated provider).
    await expect(card.getByText(/CPU \d/)).toBeVisible({ timeout: 30_000 });
    await saveScreenshot(page, "dashboard");
  });

  test("console shows the ready line and runs a command", async () => {
    await page.goto(`/servers/${serverId}?tab=console`);
    await expect(page.getByTestId("console-state")).toHaveText("Connected");
    await expect(terminalText(page)).toContainText("Server listening on port", { timeout: 30_000 });
    await page.getByTestId("console").click();
    await page.keyboard.type("say e2e-hello-42");
    await page.keyboard.press("Enter");
    await expect(terminalText(page)).toContainText("[Server] e2e-hello-42");
    await saveScreenshot(page, "console");
  });

  test("a killed game shows up in the crash history and comes back", async () => {
    await page.goto(`/servers/${serverId}?tab=overview`);
    await expect(page.getByTestId("game-state")).toHaveText("Running", { timeout: 60_000 });
    // The kernel's way, not the Kill button (a requested kill is not a crash): SIGKILL the game
    // process the agent supervises, as the OOM killer would.
    // The pid files hold pids of the container's own pid namespace, so find the host pid by the
    // game's command line (and, in a real container, its cgroup).
    const vmid = await vmidOf(page);
    process.kill(gameHostPid(dataDir, vmid), "SIGKILL");
    const crash = page.getByTestId("crash").first();
    await expect(crash.getByTestId("crash-classification")).toHaveText("Unexpected exit", { timeout: 60_000 });
    await expect(crash).toContainText("signal SIGKILL");
    await crash.getByText(/Last \d+ log lines/).click();
    await expect(crash.locator("pre")).toContainText("Server listening on port");
    // Scaled backoff: back within seconds, by itself.
    await expect(page.getByTestId("game-state")).toHaveText("Running", { timeout: 90_000 });
    await saveScreenshot(page, "server-overview");
  });

  test("drag-and-drop upload lands in the browser and on disk", async () => {
    await page.goto(`/servers/${serverId}?tab=files`);
    const vmid = await vmidOf(page);
    await expect(page.getByTestId("file-row").first()).toBeVisible();
    await dropFile(page, "e2e-upload.bin", 300_000);
    await expect(page.getByTestId("upload").filter({ hasText: "e2e-upload.bin" })).toContainText("Uploaded");
    await expect(page.getByTestId("file-row").filter({ hasText: "e2e-upload.bin" })).toBeVisible();
    const onDisk = readContainerFile(dataDir, vmid, "/opt/zlh/game/server/e2e-upload.bin");
    expect(onDisk).not.toBeNull();
    expect(createHash("sha256").update(onDisk!).digest("hex")).toBe(expectedSha(300_000));
    await saveScreenshot(page, "files");
  });

  test("a resumable upload interrupted mid-way finishes from where it stopped", async () => {
    await page.goto(`/servers/${serverId}?tab=files`);
    const vmid = await vmidOf(page);
    const size = 10 * 1024 * 1024 + 123;
    let aborted = 0;
    let resumedFrom = -1;
    await page.route(/\/files\/uploads\/[0-9a-f]{32}\?offset=\d+$/, async (route) => {
      const offset = Number(new URL(route.request().url()).searchParams.get("offset"));
      if (offset > 0 && aborted === 0) {
        aborted++;
        return route.abort("connectionreset");
      }
      if (aborted === 1 && resumedFrom < 0) resumedFrom = offset;
      return route.continue();
    });
    const stateChecks: string[] = [];
    page.on("request", (r) => {
      if (r.method() === "GET" && /\/files\/uploads\/[0-9a-f]{32}$/.test(r.url())) stateChecks.push(r.url());
    });
    await dropFile(page, "big-resumable.bin", size);
    await expect(page.getByTestId("upload").filter({ hasText: "big-resumable.bin" })).toContainText("Uploaded", { timeout: 120_000 });
    expect(aborted).toBe(1);
    expect(stateChecks.length).toBeGreaterThan(0);
    expect(resumedFrom).toBe(4 * 1024 * 1024);
    const onDisk = readContainerFile(dataDir, vmid, "/opt/zlh/game/server/big-resumable.bin");
    expect(onDisk?.length).toBe(size);
    expect(createHash("sha256").update(onDisk!).digest("hex")).toBe(expectedSha(size));
    await page.unroute(/\/files\/uploads\//);
  });
});

test("a dev server's shell runs node from the installed runtime", async ({ page }) => {
  test.setTimeout(300_000);
  await createSignedInUser(page);
  const serverId = await createServer(page, "dev", "E2E dev box");
  // The overview names the runtime (the Runtimes panel lists it again as "current").
  const runtimes = page.getByText(/^node \d+\.\d+\.\d+/).first();
  await expect(runtimes).toBeVisible({ timeout: 60_000 });
  const version = /node (\d+\.\d+\.\d+)/.exec((await runtimes.textContent()) ?? "")![1]!;
  expect(`v${version}`).not.toBe(process.version);
  await page.goto(`/servers/${serverId}?tab=ssh`);
  await expect(page.getByTestId("ssh-snippet")).toContainText(/Host dev-\d+\n\s+HostName 127\.0\.0\.1\n\s+Port \d+\n\s+User dev/);
  await page.goto(`/servers/${serverId}?tab=console`);
  await expect(page.getByTestId("console-state")).toHaveText("Connected");
  await page.getByTestId("console").click();
  await page.keyboard.type("node --version");
  await page.keyboard.press("Enter");
  await expect(terminalText(page)).toContainText(`v${version}`, { timeout: 30_000 });
});
