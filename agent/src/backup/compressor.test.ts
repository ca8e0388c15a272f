import { describe, expect, it } from "vitest";
import { pickCompressor } from "./compressor";

describe("pickCompressor", () => {
  it("takes pigz (every core) when it is on PATH, at gzip's default level", () => {
    const c = pickCompressor("/nope:/usr/bin", (f) => f === "/usr/bin/pigz" || f === "/usr/bin/gzip");
    expect(c).toEqual({ name: "pigz", args: ["-c", "-n", "-6"] });
  });

  it("falls back to gzip where pigz is missing (a template built before it was added)", () => {
    expect(pickCompressor("/bin:/usr/bin", (f) => f === "/bin/gzip").name).toBe("gzip");
    expect(pickCompressor("", () => true).name).toBe("gzip");
  });
});
