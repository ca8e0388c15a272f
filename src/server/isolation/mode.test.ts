import { describe, expect, it } from "vitest";
import { effectiveProvider, isolationAdvice, isUnisolated } from "./mode";

describe("isolation mode", () => {
  it("follows ZLH_PROVIDER, else lxc as root with LXC, else unisolated", () => {
    expect(effectiveProvider("local", { root: true, lxcInstalled: true })).toBe("unisolated");
    expect(effectiveProvider("unisolated", { root: true, lxcInstalled: true })).toBe("unisolated");
    expect(effectiveProvider("proxmox", { root: false, lxcInstalled: false })).toBe("proxmox");
    expect(effectiveProvider(undefined, { root: true, lxcInstalled: true })).toBe("lxc");
    expect(effectiveProvider(undefined, { root: false, lxcInstalled: true })).toBe("unisolated");
    expect(isUnisolated({ ZLH_PROVIDER: "lxc" } as unknown as NodeJS.ProcessEnv, { root: false, lxcInstalled: false })).toBe(false);
  });

  it("the start-up log says how to get isolation, for each reason it is missing", () => {
    expect(isolationAdvice("lxc", { root: true, lxcInstalled: true })).toBeNull();
    expect(isolationAdvice("unisolated", { root: false, lxcInstalled: true })).toMatch(/NOT isolated.*single account.*run the portal as root/);
    expect(isolationAdvice("unisolated", { root: true, lxcInstalled: false })).toMatch(/install LXC \(bash scripts\/system-deps\.sh\)/);
    expect(isolationAdvice("unisolated", { root: true, lxcInstalled: true })).toMatch(/ZLH_PROVIDER=lxc/);
  });
});
