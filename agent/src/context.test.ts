import { describe, expect, it } from "vitest";
import { containerPathUnder } from "./context";

describe("containerPathUnder", () => {
  it("maps container paths under a folder root and refuses escapes", () => {
    expect(containerPathUnder("/srv/c1", "/opt/zlh/x")).toBe("/srv/c1/opt/zlh/x");
    expect(containerPathUnder("/srv/c1", "/../../etc/passwd")).toBe("/srv/c1/etc/passwd");
    expect(() => containerPathUnder("/srv/c1", "relative")).toThrow(/absolute/);
  });

  it("accepts every path when the root is / (the agent inside a real container)", () => {
    expect(containerPathUnder("/", "/opt/zlh/agent/installs")).toBe("/opt/zlh/agent/installs");
    expect(containerPathUnder("/", "/")).toBe("/");
  });
});
