import { mkdtempSync, rmSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { Telemetry } from "next/dist/telemetry/storage";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { disableNextTelemetry } from "./next-telemetry";

// Next's own Telemetry reads the environment in its constructor; its settings file goes to a
// scratch XDG_CONFIG_HOME so the test leaves the machine's ~/.config alone.
describe("Next.js telemetry", () => {
  const saved = { NEXT_TELEMETRY_DISABLED: process.env.NEXT_TELEMETRY_DISABLED, XDG_CONFIG_HOME: process.env.XDG_CONFIG_HOME, CI: process.env.CI };
  let dir: string;
  beforeEach(() => {
    dir = mkdtempSync(path.join(os.tmpdir(), "zlh-next-telemetry-"));
    process.env.XDG_CONFIG_HOME = dir;
    delete process.env.NEXT_TELEMETRY_DISABLED;
    delete process.env.CI;
  });
  afterEach(() => {
    for (const [k, v] of Object.entries(saved)) {
      if (v === undefined) delete process.env[k];
      else process.env[k] = v;
    }
    rmSync(dir, { recursive: true, force: true });
  });

  it("would report from an unconfigured portal", () => {
    expect(new Telemetry({ distDir: path.join(dir, ".next"), skipNotify: true }).isEnabled).toBe(true);
  });

  it("is off once the portal has prepared the environment", () => {
    disableNextTelemetry();
    expect(new Telemetry({ distDir: path.join(dir, ".next"), skipNotify: true }).isEnabled).toBe(false);
  });

  it("stays on for an operator who opts in with an empty value", () => {
    const env: Record<string, string | undefined> = { NEXT_TELEMETRY_DISABLED: "" };
    disableNextTelemetry(env);
    expect(env.NEXT_TELEMETRY_DISABLED).toBe("");
  });
});
