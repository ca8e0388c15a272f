import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { isAllowedEnvName, tenantEnv } from "./env";

const base = { user: "dev", home: "/home/dev", shell: "/bin/bash", path: "/usr/bin:/bin" };

describe("tenantEnv", () => {
  it("builds the identity keys with a default TERM and LANG", () => {
    expect(tenantEnv(base)).toEqual({ HOME: "/home/dev", USER: "dev", LOGNAME: "dev", SHELL: "/bin/bash", PATH: "/usr/bin:/bin", TERM: "xterm-256color", LANG: "C.UTF-8" });
  });

  it("drops the agent's and the portal's secrets even when handed the whole process.env", () => {
    const env = tenantEnv(base, {
      ZLH_AGENT_TOKEN: "t0ken",
      NEXTAUTH_SECRET: "s",
      ZLH_SECRET_KEY: "k",
      DATABASE_URL: "postgres://x",
      STRIPE_SECRET_KEY: "sk",
      NODE_OPTIONS: "--require /tmp/x.js",
      LD_PRELOAD: "/tmp/x.so",
      BASH_ENV: "/tmp/x",
      TERM: "screen",
    });
    expect(Object.keys(env).sort()).toEqual(["HOME", "LANG", "LOGNAME", "PATH", "SHELL", "TERM", "USER"]);
    expect(env.TERM).toBe("screen");
  });

  it("never lets an extra value replace who and where the process is", () => {
    const env = tenantEnv(base, { HOME: "/root", USER: "root", LOGNAME: "root", PATH: "/tmp", SHELL: "/tmp/sh" });
    expect(env).toMatchObject({ HOME: "/home/dev", USER: "dev", LOGNAME: "dev", PATH: "/usr/bin:/bin", SHELL: "/bin/bash" });
  });

  it("keeps locale, SSH and runtime names; refuses NUL and oversized values", () => {
    const env = tenantEnv(base, { LC_ALL: "de_DE.UTF-8", SSH_CONNECTION: "1 2 3 4", ZLH_RUNTIME_NODE: "22", LC_CTYPE: "a\0b", COLORTERM: "x".repeat(5000) });
    expect(env).toMatchObject({ LC_ALL: "de_DE.UTF-8", SSH_CONNECTION: "1 2 3 4", ZLH_RUNTIME_NODE: "22" });
    expect(env.LC_CTYPE).toBeUndefined();
    expect(env.COLORTERM).toBeUndefined();
  });

  it("for any input, every key is an identity key or on the allowlist", () => {
    fc.assert(
      fc.property(fc.dictionary(fc.string({ maxLength: 20 }), fc.string({ maxLength: 50 })), (extra) => {
        const env = tenantEnv(base, extra);
        for (const k of Object.keys(env)) expect(["HOME", "USER", "LOGNAME", "SHELL", "PATH"].includes(k) || isAllowedEnvName(k)).toBe(true);
        expect(env.HOME).toBe(base.home);
        expect(env.PATH).toBe(base.path);
      }),
    );
  });
});
