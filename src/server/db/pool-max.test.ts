import { describe, expect, it } from "vitest";
import { poolMax } from "./client";

describe("poolMax", () => {
  it("defaults to 20, takes a whole number, and refuses anything else with the variable's name", () => {
    expect(poolMax(undefined)).toBe(20);
    expect(poolMax("")).toBe(20);
    expect(poolMax("48")).toBe(48);
    for (const bad of ["0", "-1", "2.5", "ten", "501"]) expect(() => poolMax(bad)).toThrow(/ZLH_DB_POOL_MAX/);
  });
});
