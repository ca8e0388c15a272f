import { describe, expect, it } from "vitest";
import { chunkStart } from "./content-range";

const status = (fn: () => unknown) => {
  try {
    fn();
    return null;
  } catch (err) {
    return (err as { status?: number }).status;
  }
};

describe("chunkStart", () => {
  it("reads the start from Content-Range", () => {
    expect(chunkStart("bytes 0-99/1000", null, 100, 1000)).toBe(0);
    expect(chunkStart("bytes 900-999/1000", null, undefined, 1000)).toBe(900);
    expect(chunkStart("bytes 5-9/*", null, 5, 1000)).toBe(5);
  });
  it("falls back to ?offset=", () => {
    expect(chunkStart(undefined, "4096", 10, 8192)).toBe(4096);
  });
  it("refuses inconsistent or malformed ranges", () => {
    expect(status(() => chunkStart("bytes=0-9/10", null, 10, 10))).toBe(400);
    expect(status(() => chunkStart("bytes 9-0/10", null, undefined, 10))).toBe(400);
    expect(status(() => chunkStart("bytes 0-9/11", null, 10, 10))).toBe(400);
    expect(status(() => chunkStart("bytes 0-10/*", null, 11, 10))).toBe(413);
    expect(status(() => chunkStart("bytes 0-9/10", null, 5, 10))).toBe(400);
    expect(status(() => chunkStart(undefined, "-1", 1, 10))).toBe(400);
    expect(status(() => chunkStart(undefined, null, 1, 10))).toBe(400);
  });
});
