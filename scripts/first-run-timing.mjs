// Measures the README's first run the way a new user meets it: a fresh clone of this checkout, an
// empty build cache, a fresh data folder, `npm install && npm run dev`, then a real browser that
// signs up, creates a game server and a dev container and opens its IDE. Prints the seconds from
// the command to each step as JSON and a table. Heavy (builds every default artifact from nothing):
//   flock /tmp/zlh-heavy.lock node scripts/first-run-timing.mjs [--keep]
// Everything lives in one temp folder (removed at the end unless --keep); ~/.cache/zeroLagHub and
// this checkout's .data are not touched.
import { spawn, spawnSync } from "node:child_process";
import { randomUUID } from "node:crypto";
import { chmodSync, copyFileSync, createWriteStream, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync } from "node:fs";
import net from "node:net";
import os from "node:os";
import path from "node:path";
import { chromium } from "playwright";

const root = path.resolve(path.dirname(new URL(import.meta.url).pathname), "..");
const keep = process.argv.includes("--keep");
const LIMIT_MS = Number(process.env.FIRST_RUN_LIMIT_S ?? 45 * 60) * 1000;
const COMMAND = "npm install && npm run dev";
// What the first run must publish (name -> version, or null for "any version").
const EXPECTED = [
  ["node", "24."],
  ["node", "22."],
  ["flying-squid", null],
  ["code-server", null],
  ["python", null],
  ["java", null],
  ["template-debian-12", null],
];

const tmp = mkdtempSync(path.join(os.tmpdir(), "zlh-first-run-timing-"));
// The embedded PostgreSQL runs as the postgres user: it must reach the data folder and the clone's binaries.
chmodSync(tmp, 0o755);
const clone = path.join(tmp, "clone");
const cacheDir = path.join(tmp, "cache");
const dataDir = path.join(tmp, "data");
mkdirSync(cacheDir);
const logFile = path.join(tmp, "portal-output.log");
const say = (msg) => console.log(`[${elapsed()}] ${msg}`);
let t0 = Date.now();
const elapsed = () => `${((Date.now() - t0) / 1000).toFixed(1)} s`;
const marks = {};
const mark = (key) => {
  if (!(key in marks)) {
    marks[key] = Math.round((Date.now() - t0) / 100) / 10;
    say(`${key}`);
  }
};

const head = spawnSync("git", ["-C", root, "rev-parse", "--short", "HEAD"], { encoding: "utf8" }).stdout.trim();
const cloned = spawnSync("git", ["clone", "--quiet", root, clone], { stdio: "inherit" });
if (cloned.status !== 0) throw new Error("git clone failed");
chmodSync(clone, 0o755);

const port = await new Promise((resolve, reject) => {
  const s = net.createServer();
  s.once("error", reject);
  s.listen(0, "127.0.0.1", () => {
    const p = s.address().port;
    s.close(() => resolve(p));
  });
});
const base = `http://localhost:${port}`;

// npm's own lock (/tmp/zlh-npm.lock) is the shared tree's rule for installs; the wait counts in the timing.
const shellCommand = `flock /tmp/zlh-npm.lock npm install && npm run dev`;
const out = createWriteStream(logFile);
t0 = Date.now();
const portal = spawn("sh", ["-c", shellCommand], {
  cwd: clone,
  detached: true,
  stdio: ["ignore", "pipe", "pipe"],
  env: {
    ...process.env,
    PORT: String(port),
    HOST: "127.0.0.1",
    ZLH_DATA_DIR: dataDir,
    ZLH_CACHE_DIR: cacheDir,
    ZLH_LOG_FILE: path.join(tmp, "portal.log"),
  },
});
say(`started \`${COMMAND}\` in ${clone} (HEAD ${head}), port ${port}, cache ${cacheDir}`);
const onOutput = (chunk) => {
  out.write(chunk);
  if (/added \d+ packages|up to date/.test(chunk.toString())) mark("npm install done");
};
portal.stdout.on("data", onOutput);
portal.stderr.on("data", onOutput);
let portalExit = null;
portal.on("exit", (code, signal) => (portalExit = { code, signal }));

const sleep = (ms) => new Promise((r) => setTimeout(r, ms));
const deadline = t0 + LIMIT_MS;
const failures = [];
let browser;
let watcher;

async function get(url) {
  try {
    const res = await fetch(url, { signal: AbortSignal.timeout(10_000) });
    return { status: res.status, body: res.ok ? await res.text() : "" };
  } catch {
    return { status: 0, body: "" };
  }
}

async function signedUpPage(browser, who) {
  const context = await browser.newContext({ baseURL: base });
  context.setDefaultTimeout(120_000);
  context.setDefaultNavigationTimeout(180_000);
  const page = await context.newPage();
  // Through the form (the first page loads compile in dev mode); an unconfirmed address may run one server.
  await page.goto("/signup");
  mark(`${who} user: sign-up page loaded`);
  await page.getByLabel("Email").fill(`first-run-${who}-${randomUUID().slice(0, 8)}@example.test`);
  await page.getByLabel("Password").fill(`pw-${randomUUID()}`);
  await page.getByRole("button", { name: "Create account" }).click();
  await page.waitForURL("**/dashboard");
  mark(`${who} user signed up`);
  return { context, page };
}

async function gameFlow(browser) {
  const { page } = await signedUpPage(browser, "game");
  watcher = watchPreparing(page);
  // The wizard offers the game once it is published.
  await page.goto("/servers/new");
  const form = page.getByTestId("create-wizard");
  await form.getByText("Game server", { exact: true }).click();
  await form.getByLabel("Name").fill("First run game");
  await until("the wizard to offer the game", async () => (await form.locator('select[name="gameTemplate"]').inputValue().catch(() => "")) === "flying-squid" || failedBuild("flying-squid"), 2_000);
  mark("wizard offers the game");
  await form.getByRole("button", { name: "Create server" }).click();
  await page.getByTestId("provisioning").waitFor();
  const game = (await trpc(page, "servers.list", undefined)).find((s) => s.name === "First run game");
  await waitRunning(page, game.id, "game server");
  mark("game server running");
}

async function devFlow(browser) {
  const { context, page } = await signedUpPage(browser, "dev");
  // The code-server checkbox is enabled once code-server is published, Node once a Node runtime is.
  await page.goto("/servers/new");
  const form = page.getByTestId("create-wizard");
  await form.getByText("Dev container", { exact: true }).click();
  await form.getByLabel("Name").fill("First run dev");
  const ideBox = form.getByRole("checkbox", { name: /Enable code-server/ });
  await until("the wizard to offer code-server and Node", async () => (await ideBox.isEnabled().catch(() => false)) && (await form.locator('select[name="runtimeId"]').inputValue().catch(() => "")) === "node" || failedBuild("code-server") || failedBuild("node"), 2_000);
  mark("wizard offers code-server");
  await ideBox.check();
  await form.getByRole("button", { name: "Create server" }).click();
  await page.getByTestId("provisioning").waitFor();
  const dev = (await trpc(page, "servers.list", undefined)).find((s) => s.name === "First run dev");
  await waitRunning(page, dev.id, "dev container");
  mark("dev container running");

  await page.goto(`/servers/${dev.id}?tab=ide`);
  const button = page.getByRole("link", { name: "Open IDE" });
  await until("the Open IDE link", async () => (await button.getAttribute("href").catch(() => null)) === `/api/dev/${dev.id}/ide`, 2_000);
  const [ide] = await Promise.all([context.waitForEvent("page"), button.click()]);
  await ide.locator(".monaco-workbench").waitFor({ timeout: 180_000 });
  mark("IDE loaded (VS Code workbench)");
}

// Published artifacts, read from the portal's own catalog as agents read it.
const published = {};
async function pollCatalog() {
  const { status, body } = await get(`${base}/artifacts/catalog.json`);
  if (status !== 200) return;
  let catalog;
  try {
    catalog = JSON.parse(body);
  } catch {
    return;
  }
  for (const [name, prefix] of EXPECTED) {
    const hit = catalog.artifacts.find((a) => a.name === name && (!prefix || a.version.startsWith(prefix)));
    const key = `published ${name}${prefix ? ` ${prefix.replace(/\.$/, "")}` : ""}`;
    if (hit && !published[key]) {
      published[key] = hit.version;
      mark(key);
    }
  }
}
const allPublished = () => Object.keys(published).length === EXPECTED.length;

async function until(what, fn, intervalMs = 1_000) {
  while (Date.now() < deadline) {
    if (portalExit) throw new Error(`the portal exited (${JSON.stringify(portalExit)}) while waiting for ${what}`);
    const v = await fn();
    if (v) return v;
    await sleep(intervalMs);
  }
  throw new Error(`timed out waiting for ${what}`);
}

// Background: the catalog every 2 s until everything is published.
let catalogLoop = true;
const catalogPoller = (async () => {
  while (catalogLoop && !allPublished() && Date.now() < deadline) {
    await pollCatalog();
    await sleep(2_000);
  }
})();

async function trpc(page, procedure, input, kind = "query") {
  const res =
    kind === "mutation"
      ? await page.request.post(`/api/trpc/${procedure}`, { data: { json: input } })
      : await page.request.get(`/api/trpc/${procedure}?input=${encodeURIComponent(JSON.stringify({ json: input }))}`);
  if (!res.ok()) throw new Error(`${procedure}: ${res.status()} ${(await res.text()).slice(0, 500)}`);
  return (await res.json()).result.data.json;
}

// What the wizard sees as still being prepared, logged when it changes; a failed build ends the run.
let preparing = [];
let watching = true;
async function watchPreparing(page) {
  let last = "";
  while (watching && Date.now() < deadline) {
    preparing = (await trpc(page, "artifacts.preparing", undefined).catch(() => ({ items: preparing }))).items;
    const line = preparing.map((i) => `${i.name}@${i.version} ${i.status}${i.percent == null ? "" : ` ${i.percent}%`}${i.step ? ` ${i.step}` : ""}`).join(", ");
    if (line !== last) say(`preparing: ${(last = line) || "nothing"}`);
    for (const i of preparing.filter((x) => x.status === "failed")) failures.push(`build ${i.name}@${i.version} failed: ${i.error}`);
    if (failures.length) return;
    await sleep(3_000);
  }
}
const failedBuild = (name) => {
  const f = preparing.find((i) => i.name === name && i.status === "failed");
  if (f) throw new Error(`the build of ${f.name}@${f.version} failed: ${f.error}`);
};

async function waitRunning(page, serverId, label) {
  let last = "";
  return until(`${label} running`, async () => {
    const s = await trpc(page, "servers.get", { serverId });
    if (s.status === "error") throw new Error(`${label} failed: ${s.lastError}`);
    if (s.status !== last) say(`${label}: ${(last = s.status)}`);
    return s.status === "running";
  }, 2_000);
}

try {
  await until("/api/health 200", async () => (await get(`${base}/api/health`)).status === 200);
  mark("portal healthy (/api/health 200)");

  browser = await chromium.launch({
    executablePath: process.env.CHROMIUM_PATH || "/usr/bin/chromium",
    args: ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run", "--disable-background-networking", "--disable-component-update", "--disable-sync"],
  });
  // The free plan (billing unconfigured) allows one server per account: one user per server, side by side.
  await Promise.all([gameFlow(browser), devFlow(browser)]);

  await until("every default artifact published", async () => allPublished() || failures.length, 2_000);
} catch (err) {
  failures.push(err.message.split("\n")[0]);
  say(`FAILED: ${err.message}`);
  try {
    const rows = spawnSync(process.execPath, ["--import", "tsx", "scripts/artifacts.ts", "list", "--data-dir", dataDir], { cwd: clone, encoding: "utf8", timeout: 60_000 });
    console.log(rows.stdout, rows.stderr);
  } catch {
    // Diagnosis only.
  }
} finally {
  catalogLoop = false;
  watching = false;
  await catalogPoller;
  await watcher;
  await browser?.close().catch(() => undefined);
  await stopAll();
}

const missing = EXPECTED.map(([n, p]) => `published ${n}${p ? ` ${p.replace(/\.$/, "")}` : ""}`).filter((k) => !(k in marks));
const result = { command: COMMAND, head, port, seconds: marks, versions: published, missing, failures, ok: failures.length === 0 && missing.length === 0 };
console.log("\n| step | s from the command |\n|---|---|");
for (const [k, v] of Object.entries(marks).sort((a, b) => a[1] - b[1])) console.log(`| ${k} | ${v} |`);
console.log(JSON.stringify(result));
process.exit(result.ok ? 0 : 1);

async function stopAll() {
  say("stopping the portal and its containers");
  if (!portalExit && portal.pid) {
    try {
      process.kill(-portal.pid, "SIGTERM");
    } catch {
      // Already gone.
    }
    for (let i = 0; i < 60 && !portalExit; i++) await sleep(500);
    if (!portalExit) {
      try {
        process.kill(-portal.pid, "SIGKILL");
      } catch {
        // Already gone.
      }
    }
  }
  await new Promise((r) => out.end(r));
  if (existsSync(path.join(clone, "node_modules"))) {
    spawnSync(process.execPath, ["--import", "tsx", "scripts/stop-containers.ts", dataDir], { cwd: clone, stdio: "inherit", timeout: 120_000 });
  }
  // The portal's output and log outlive the temp folder, for a failure's diagnosis.
  const logsDir = path.join(os.tmpdir(), "zlh-first-run-timing-logs");
  mkdirSync(logsDir, { recursive: true });
  for (const f of ["portal-output.log", "portal.log"]) if (existsSync(path.join(tmp, f))) copyFileSync(path.join(tmp, f), path.join(logsDir, f));
  console.log(`portal output and log copied to ${logsDir}`);
  const mounted = readFileSync("/proc/mounts", "utf8").split("\n").filter((l) => l.split(" ")[1]?.startsWith(tmp));
  if (keep || mounted.length) {
    console.log(`kept ${tmp}${mounted.length ? ` (still mounted: ${mounted.map((l) => l.split(" ")[1]).join(", ")})` : ""}; output in ${logFile}`);
  } else {
    rmSync(tmp, { recursive: true, force: true });
  }
}
