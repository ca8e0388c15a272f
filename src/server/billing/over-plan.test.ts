import { describe, expect, it } from "vitest";
import { serversOverPlan } from "./over-plan";
import { planById } from "./plans";

const at = (minutes: number) => new Date(Date.UTC(2026, 0, 1, 0, minutes));
const server = (id: string, kind: "game" | "dev", minutes: number, memoryMb = 1024) => ({ id, kind, memoryMb, createdAt: at(minutes) });

describe("servers over the plan", () => {
  it("keeps the oldest servers that fit and stops the newest beyond the limits", () => {
    const free = planById("free").limits;
    const over = serversOverPlan(free, [server("c", "dev", 3), server("a", "game", 1), server("b", "game", 2)]);
    expect([...over.keys()].sort()).toEqual(["b", "c"]);
    expect(over.get("c")).toMatch(/^Plan: stopped because your plan allows 1 server/);
  });

  it("stops a server whose memory the plan no longer allows, and keeps counting the others", () => {
    const free = planById("free").limits;
    const over = serversOverPlan(free, [server("big", "game", 1, 4096), server("small", "dev", 2)]);
    expect([...over.keys()]).toEqual(["big"]);
    expect(over.get("big")).toMatch(/4096 MB of memory/);
  });

  it("is empty when everything fits", () => {
    expect(serversOverPlan(planById("starter").limits, [server("a", "game", 1), server("b", "dev", 2)]).size).toBe(0);
  });
});
