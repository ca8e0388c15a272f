import { describe, expect, it } from "vitest";
import { createConnectionCaps } from "./connection-caps";

describe("connection caps", () => {
  it("caps per user and overall, and frees a slot once per release", () => {
    const caps = createConnectionCaps({ perUser: 2, global: 3 });
    const a1 = caps.acquire("a")!;
    const a2 = caps.acquire("a")!;
    expect(caps.acquire("a")).toBeNull();
    const b1 = caps.acquire("b")!;
    expect(caps.acquire("c")).toBeNull();
    a1();
    a1();
    expect(caps.open()).toBe(2);
    expect(caps.open("a")).toBe(1);
    expect(caps.acquire("c")).not.toBeNull();
    a2();
    b1();
    expect(caps.open("a")).toBe(0);
  });
});
