import { describe, expect, it } from "vitest";
import { PROGRESS_PREFIX, buildPercent, failureReason, parseProgressLine } from "./build-progress";

describe("build percent", () => {
  it("maps each builder step onto its slice and only moves forward", () => {
    let p: number | null = 0;
    p = buildPercent("flying-squid", { step: "npm install" }, p);
    expect(p).toBe(0);
    p = buildPercent("flying-squid", { step: "pack" }, p);
    expect(p).toBe(60);
    p = buildPercent("flying-squid", { step: "hash", done: 50, total: 100 }, p);
    expect(p).toBe(95);
    // An unknown step keeps the value; an earlier slice never moves it back.
    expect(buildPercent("flying-squid", { step: "something" }, p)).toBe(95);
    expect(buildPercent("flying-squid", { step: "npm install" }, p)).toBe(95);
  });

  it("treats a cached build as nearly done and uses done/total inside a step", () => {
    expect(buildPercent("node", { step: "cache" }, 0)).toBe(0);
    expect(buildPercent("node", { step: "pack", done: 1, total: 2 }, 0)).toBe(72);
    expect(buildPercent("unknown-builder", { step: "hash", done: 10, total: 10 }, null)).toBe(100);
  });
});

describe("CLI progress lines", () => {
  it("parses the prefixed JSON lines and ignores everything else", () => {
    expect(parseProgressLine(`${PROGRESS_PREFIX}{"label":"node@1","step":"pack","done":1,"total":4,"message":"x"}`)).toEqual({ step: "pack", done: 1, total: 4, message: "x" });
    expect(parseProgressLine("[node@1] pack 25%")).toBeNull();
    expect(parseProgressLine(`${PROGRESS_PREFIX}{not json`)).toBeNull();
    expect(parseProgressLine(`${PROGRESS_PREFIX}{"done":1}`)).toBeNull();
  });

  it("takes the failure reason from the CLI's FAILED line, else its last words", () => {
    expect(failureReason(["[java@25] build", "[java@25] FAILED: no JDK found"], 1, null)).toBe("no JDK found");
    expect(failureReason(["boom", `${PROGRESS_PREFIX}{}`], 1, null)).toBe("boom (exit code 1)");
    expect(failureReason([], null, "SIGKILL")).toBe("the build stopped by SIGKILL");
    expect(failureReason(["usage: ...", "  list"], 2, null, ["no builder named x (have: node)", "", "usage: ..."])).toBe("no builder named x (have: node)");
  });
});
