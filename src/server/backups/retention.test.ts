import { describe, expect, it } from "vitest";
import { retentionVictims } from "./retention";

const b = (id: string, minute: number, size: number) => ({ id, size, createdAt: new Date(Date.UTC(2026, 11, 1, 10, minute)) });

describe("retentionVictims", () => {
  it("removes the oldest first until the count fits", () => {
    const list = [b("c", 3, 10), b("a", 1, 10), b("d", 4, 10), b("b", 2, 10)];
    expect(retentionVictims(list, { count: 2, bytes: 1e9 }).map((x) => x.id)).toEqual(["a", "b"]);
  });
  it("removes the oldest first until the total size fits", () => {
    const list = [b("a", 1, 50), b("b", 2, 30), b("c", 3, 30), b("d", 4, 30)];
    expect(retentionVictims(list, { count: 10, bytes: 70 }).map((x) => x.id)).toEqual(["a", "b"]);
  });
  it("keeps the newest even when it alone is over the size limit", () => {
    expect(retentionVictims([b("a", 1, 10), b("b", 2, 500)], { count: 5, bytes: 100 }).map((x) => x.id)).toEqual(["a"]);
  });
  it("removes nothing within limits", () => {
    expect(retentionVictims([b("a", 1, 10)], { count: 1, bytes: 10 })).toEqual([]);
  });
});
