import { describe, expect, it } from "vitest";
import { networkOf } from "./network";

describe("networkOf", () => {
  it("groups IPv4 by /24 and IPv6 by /56", () => {
    expect(networkOf("203.0.113.77")).toBe("203.0.113.0/24");
    expect(networkOf("2001:db8:aa:bbcc::1")).toBe("2001:0db8:00aa:bb00::/56");
    expect(networkOf("2001:db8:aa:bbff:1:2:3:4")).toBe(networkOf("2001:db8:aa:bb00::9"));
    expect(networkOf("::1")).toBe("0000:0000:0000:0000::/56");
    expect(networkOf("unknown")).toBe("unknown");
  });
});
