import { describe, expect, it } from "vitest";
import { tailLines } from "./tail";

describe("log tail", () => {
  it("keeps the last n lines and strips colours", () => {
    const b = Buffer.from("a\nb\n\x1b[32mc\x1b[0m\r\nd\n");
    expect(tailLines(b, b.length, 2)).toEqual({ lines: ["c", "d"], truncated: true });
    expect(tailLines(b, b.length, 10)).toEqual({ lines: ["a", "b", "c", "d"], truncated: false });
  });
  it("drops the partial first line of a window that starts mid-file", () => {
    const b = Buffer.from("rtial line\nwhole\nlast");
    expect(tailLines(b, 1000, 10)).toEqual({ lines: ["whole", "last"], truncated: true });
  });
  it("answers an empty file with no lines", () => {
    expect(tailLines(Buffer.alloc(0), 0, 5)).toEqual({ lines: [], truncated: false });
  });
});
