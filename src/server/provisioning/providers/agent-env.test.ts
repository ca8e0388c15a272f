import { describe, expect, it } from "vitest";
import { unisolatedAgentEnv } from "./agent-env";

describe("unisolatedAgentEnv", () => {
  it("hands the agent its token and tuning, nothing of the portal's secrets", () => {
    const env = unisolatedAgentEnv(
      {
        PATH: "/usr/bin:/bin",
        HOME: "/home/me",
        NEXTAUTH_SECRET: "s",
        ZLH_SECRET_KEY: "k",
        DATABASE_URL: "postgres://x",
        STRIPE_SECRET_KEY: "sk",
        NODE_OPTIONS: "--require /tmp/evil.js",
        ZLH_GAME_BACKOFF_MS: "1000,2000",
        ZLH_GAME_STABLE_MS: "1; rm -rf /",
        AGENT_LOG_LEVEL: "debug",
        ZLH_GAME_DETACH_ON_EXIT: "1",
      },
      "tok",
    );
    expect(env).toEqual({ PATH: "/usr/bin:/bin", HOME: "/home/me", LANG: "C.UTF-8", NODE_ENV: "production", LOG_LEVEL: "debug", ZLH_AGENT_TOKEN: "tok", ZLH_GAME_BACKOFF_MS: "1000,2000", ZLH_GAME_DETACH_ON_EXIT: "1" });
  });

  it("has sane defaults when the portal's environment is bare", () => {
    expect(unisolatedAgentEnv({}, "t")).toMatchObject({ PATH: expect.stringContaining("/usr/bin"), HOME: "/", LOG_LEVEL: "info" });
  });
});
