import { describe, expect, it } from "vitest";
import { parseStat } from "./proc";

describe("parseStat", () => {
  it("reads pid, ppid, process group and session, even with odd command names", () => {
    expect(parseStat("4242 (node) S 1 4242 4242 0 -1 4194560")).toEqual({ pid: 4242, state: "S", ppid: 1, pgid: 4242, sid: 4242 });
    expect(parseStat("77 (a (b) c) R 5 6 7 0")).toEqual({ pid: 77, state: "R", ppid: 5, pgid: 6, sid: 7 });
  });
  it("refuses garbage", () => {
    expect(parseStat("nonsense")).toBeNull();
  });
});
