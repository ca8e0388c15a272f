import { describe, expect, it } from "vitest";
import { sshExitStatus } from "./exit-status";

describe("sshExitStatus", () => {
  // Regression (#16): node-pty reports signals as numbers; "SIG1" made ssh2 throw and killed the agent.
  it("names numeric and named signals the way SSH allows, or falls back to 128+n", () => {
    expect(sshExitStatus(null, 1)).toEqual({ signal: "HUP" });
    expect(sshExitStatus(null, "SIGTERM")).toEqual({ signal: "TERM" });
    expect(sshExitStatus(null, 9)).toEqual({ signal: "KILL" });
    expect(sshExitStatus(null, 17)).toEqual({ code: 145 });
    expect(sshExitStatus(null, "SIGWINCH")).toEqual({ code: 128 + 28 });
    expect(sshExitStatus(3, null)).toEqual({ code: 3 });
    expect(sshExitStatus(null, 0)).toEqual({ code: 0 });
  });
});
