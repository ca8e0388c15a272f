import http from "node:http";
import net from "node:net";
import { expect, test } from "@playwright/test";
import { createSignedInUser } from "./support/auth";

/**
 * The security review's findings as a browser and a raw client meet them (#16), against the
 * production server: redirects after sign-in, headers, unhandled upgrades, trailing-dot dev hosts,
 * and sessions ended everywhere.
 */
test("callbackUrl cannot send a signed-in user to another site", async ({ page, baseURL }) => {
  await createSignedInUser(page);
  for (const cb of ["/.//evil.example", "//evil.example", "/%2e//evil.example", "https://evil.example", "/\\evil.example"]) {
    await page.goto(`/signin?callbackUrl=${encodeURIComponent(cb)}`);
    await page.waitForLoadState("domcontentloaded");
    expect(page.url(), cb).toBe(`${baseURL}/dashboard`);
  }
  await page.goto(`/signin?callbackUrl=${encodeURIComponent("/settings")}`);
  await expect(page).toHaveURL(/\/settings$/);
});

test("pages carry the security headers", async ({ request }) => {
  const h = (await request.get("/signin")).headers();
  expect(h["content-security-policy"]).toContain("frame-ancestors 'none'");
  expect(h["x-frame-options"]).toBe("DENY");
  expect(h["x-content-type-options"]).toBe("nosniff");
  expect(h["referrer-policy"]).toBe("strict-origin-when-cross-origin");
});

test("only scripts carrying the response's nonce run: every script Next sends has it, an injected one is refused", async ({ page, request }) => {
  const res = await request.get("/signin");
  const csp = res.headers()["content-security-policy"]!;
  const nonce = /'nonce-([A-Za-z0-9+/=]+)'/.exec(csp)?.[1];
  expect(csp).toContain("'strict-dynamic'");
  expect(csp).not.toContain("unsafe-inline");
  expect(nonce).toBeTruthy();
  const scripts = (await res.text()).match(/<script\b[^>]*>/g) ?? [];
  expect(scripts.length).toBeGreaterThan(0);
  for (const tag of scripts) expect(tag, tag).toContain(`nonce="${nonce}"`);
  expect(/'nonce-([A-Za-z0-9+/=]+)'/.exec((await request.get("/signin")).headers()["content-security-policy"]!)?.[1]).not.toBe(nonce);

  // In a browser Next's own scripts run under it (its runtime sets window.next), and nothing on the
  // page is refused (the page's own violation reports, recorded from before its first script).
  await page.addInitScript(() => {
    const w = window as unknown as { __zlhViolations: string[] };
    w.__zlhViolations = [];
    document.addEventListener("securitypolicyviolation", (e) => w.__zlhViolations.push(`${e.effectiveDirective} ${e.blockedURI}`));
  });
  const loaded = async (path: string) => {
    await page.goto(path);
    await page.waitForFunction(() => Boolean((window as unknown as { next?: { version?: string } }).next?.version));
    return page.evaluate(() => {
      const w = window as unknown as { __zlhInjected?: boolean; __zlhViolations: string[] };
      return { ran: w.__zlhInjected === true, violations: w.__zlhViolations };
    });
  };
  await createSignedInUser(page);
  for (const path of ["/dashboard", "/", "/pricing", "/settings"]) expect(await loaded(path), path).toEqual({ ran: false, violations: [] });
  // A script injected into the page's HTML (what a stored XSS would be) has no nonce: it does not run.
  await page.route("**/pricing", async (route) => {
    const original = await route.fetch();
    const body = (await original.text()).replace("</body>", "<script>window.__zlhInjected = true</script></body>");
    await route.fulfill({ response: original, body });
  });
  expect(await loaded("/pricing")).toEqual({ ran: false, violations: ["script-src-elem inline"] });
});

test("pages and the API answer only to the portal's own host names (DNS rebinding gets 421)", async ({ baseURL }) => {
  const u = new URL(baseURL!);
  const status = (host: string, path: string) =>
    new Promise<number>((resolve, reject) => {
      http.get({ host: "127.0.0.1", port: Number(u.port), path, headers: { host } }, (res) => (res.resume(), resolve(res.statusCode ?? 0))).on("error", reject);
    });
  for (const path of ["/", "/signin", "/api/trpc/billing.plans"]) {
    expect(await status(`rebind.evil.test:${u.port}`, path), path).toBe(421);
    expect(await status(`localhost:${u.port}`, path), path).toBe(200);
    expect(await status(`127.0.0.1:${u.port}`, path), path).toBe(200);
  }
  // A console WebSocket too: refused for the foreign name before the relay looks for a session.
  const upgradeAnswer = (host: string) =>
    new Promise<string>((resolve, reject) => {
      const sock = net.connect(Number(u.port), u.hostname, () => {
        sock.write(`GET /api/servers/none/console HTTP/1.1\r\nHost: ${host}\r\nOrigin: http://${host}\r\nUpgrade: websocket\r\nConnection: Upgrade\r\nSec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\nSec-WebSocket-Version: 13\r\n\r\n`);
      });
      let got = "";
      sock.on("data", (d) => (got += d.toString("latin1")));
      sock.on("error", reject);
      sock.on("close", () => resolve(got.split("\r\n")[0] ?? ""));
    });
  expect(await upgradeAnswer(`rebind.evil.test:${u.port}`)).toBe("HTTP/1.1 421 Misdirected Request");
  expect(await upgradeAnswer(`localhost:${u.port}`)).toMatch(/^HTTP\/1\.1 401\b/);
});

test("an upgrade nobody handles, /_next/ included, is closed at once", async ({ baseURL }) => {
  const u = new URL(baseURL!);
  for (const path of ["/_next/webpack-hmr-probe", "/_next/hmr", "/nothing-here"]) {
    const closedIn = await new Promise<number>((resolve) => {
      const t0 = Date.now();
      const sock = net.connect(Number(u.port), u.hostname, () => {
        sock.write(`GET ${path} HTTP/1.1\r\nHost: ${u.host}\r\nUpgrade: websocket\r\nConnection: Upgrade\r\nSec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\nSec-WebSocket-Version: 13\r\n\r\n`);
      });
      sock.on("data", () => {});
      sock.on("error", () => {});
      sock.on("close", () => resolve(Date.now() - t0));
      setTimeout(() => (sock.destroy(), resolve(-1)), 8_000);
    });
    expect(closedIn, path).toBeGreaterThanOrEqual(0);
  }
});

test("a trailing-dot dev host is the dev host, never the portal's pages", async ({ request, baseURL }) => {
  const u = new URL(baseURL!);
  const r = await request.get("/", { headers: { Host: `dev-6000.localhost.:${u.port}` }, maxRedirects: 0 });
  expect(await r.text()).not.toMatch(/get back up/i);
});

test("sign out everywhere ends the other browser's session too", async ({ browser }) => {
  const first = await browser.newContext();
  const page = await first.newPage();
  const user = await createSignedInUser(page);
  // A second device: the same account signed in in another browser context.
  const second = await browser.newContext();
  const other = await second.newPage();
  const { csrfToken } = (await (await other.request.get("/api/auth/csrf")).json()) as { csrfToken: string };
  await other.request.post("/api/auth/callback/credentials", { form: { csrfToken, email: user.email, password: user.password, json: "true" } });
  await other.goto("/dashboard");
  await expect(other.getByTestId("user-email")).toHaveText(user.email);

  await page.goto("/settings");
  await page.getByRole("button", { name: "Sign out everywhere" }).click();
  await page.waitForURL(/\/signin/);
  await other.goto("/dashboard");
  await other.waitForURL(/\/signin/);
  await first.close();
  await second.close();
});
