import { defineConfig, devices } from "@playwright/test";
import { execFileSync } from "node:child_process";
import { randomBytes } from "node:crypto";
import { PORTAL_NODE_FLAGS } from "./src/server/runtime/node-flags";

/**
 * End-to-end tests against the real custom server (server.ts, production build). Run them through
 * `node scripts/e2e.mjs` (or `npm run test:e2e`), which builds, picks the port, the data folder and
 * the secrets, and finds Chromium.
 */
const port = process.env.E2E_PORT;
if (!port) throw new Error("Run the e2e suite with `node scripts/e2e.mjs [playwright args]`: it sets E2E_PORT and friends.");
const baseURL = `http://localhost:${port}`;

// Billing: the local Stripe fake (test/fakes/stripe) runs as a second web server and the portal's
// Stripe SDK points at it. Chosen once here; workers inherit the values through the environment.
process.env.E2E_STRIPE_PORT ??= execFileSync(
  process.execPath,
  ["-e", "const s=require('net').createServer().listen(0,'127.0.0.1',()=>{process.stdout.write(String(s.address().port));s.close()})"],
  { encoding: "utf8" },
);
process.env.E2E_STRIPE_WEBHOOK_SECRET ??= `whsec_e2e_${randomBytes(16).toString("hex")}`;
const stripe = {
  port: process.env.E2E_STRIPE_PORT,
  secretKey: "sk_test_e2e_zerolaghub",
  webhookSecret: process.env.E2E_STRIPE_WEBHOOK_SECRET,
};

export default defineConfig({
  testDir: "e2e",
  outputDir: "test-results/playwright",
  fullyParallel: false,
  // Two cores shared with the server and its PostgreSQL: one browser at a time is steadier.
  workers: 1,
  retries: process.env.CI ? 1 : 0,
  timeout: 60_000,
  expect: { timeout: 15_000 },
  reporter: [["list"]],
  use: {
    baseURL,
    trace: "retain-on-failure",
    screenshot: "only-on-failure",
    navigationTimeout: 30_000,
    actionTimeout: 15_000,
    launchOptions: {
      executablePath: process.env.CHROMIUM_PATH || "/usr/bin/chromium",
      args: [
        "--headless",
        "--no-sandbox",
        "--disable-gpu",
        "--disable-quic",
        "--no-first-run",
        "--disable-background-networking",
        "--disable-component-update",
        "--disable-sync",
      ],
    },
  },
  projects: [{ name: "chromium", use: { ...devices["Desktop Chrome"], channel: undefined } }],
  webServer: [
    {
    command: `node ${PORTAL_NODE_FLAGS.join(" ")} --import tsx server.ts`,
    url: `${baseURL}/api/health`,
    reuseExistingServer: false,
    timeout: 180_000,
    stdout: "ignore",
    stderr: "pipe",
    gracefulShutdown: { signal: "SIGTERM", timeout: 15_000 },
    env: {
      NODE_ENV: "production",
      PORT: port,
      HOST: "127.0.0.1",
      ZLH_DATA_DIR: process.env.E2E_DATA_DIR ?? ".data/e2e",
      NEXTAUTH_URL: baseURL,
      NEXTAUTH_SECRET: process.env.E2E_NEXTAUTH_SECRET ?? "",
      ZLH_SECRET_KEY: process.env.E2E_SECRET_KEY ?? "",
      LOG_LEVEL: "warn",
      // Every spec signs up its own users from 127.0.0.1; the sign-up rate limit has its own tests.
      ZLH_SIGNUP_PER_MINUTE: "1000",
      STRIPE_SECRET_KEY: stripe.secretKey,
      STRIPE_WEBHOOK_SECRET: stripe.webhookSecret,
      STRIPE_PRICE_STARTER: "price_fake_starter",
      STRIPE_PRICE_PRO: "price_fake_pro",
      STRIPE_API_BASE: `http://127.0.0.1:${stripe.port}`,
    },
    },
    {
      command: "node --import tsx test/fakes/stripe/main.ts",
      url: `http://127.0.0.1:${stripe.port}/healthz`,
      reuseExistingServer: false,
      timeout: 60_000,
      stdout: "ignore",
      stderr: "pipe",
      env: {
        FAKE_STRIPE_PORT: stripe.port,
        FAKE_STRIPE_SECRET_KEY: stripe.secretKey,
        FAKE_STRIPE_WEBHOOK_SECRET: stripe.webhookSecret,
        FAKE_STRIPE_WEBHOOK_URL: `${baseURL}/api/stripe/webhook`,
      },
    },
  ],
});
