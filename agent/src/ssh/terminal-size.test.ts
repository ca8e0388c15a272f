import { describe, expect, it } from "vitest";
import { terminalSize } from "./terminal-size";

describe("terminalSize", () => {
  it("keeps sane sizes and replaces zero, negative, fractional and huge ones", () => {
    expect(terminalSize(132, 43)).toEqual({ cols: 132, rows: 43 });
    expect(terminalSize(0, 0)).toEqual({ cols: 80, rows: 24 });
    expect(terminalSize(-5, 1.5)).toEqual({ cols: 80, rows: 24 });
    expect(terminalSize(1e9, 50, { cols: 100, rows: 30 })).toEqual({ cols: 1000, rows: 50 });
    expect(terminalSize(0, 40, { cols: 100, rows: 30 })).toEqual({ cols: 100, rows: 40 });
  });
});
