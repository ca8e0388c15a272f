import { describe, expect, it } from "vitest";
import os from "node:os";
import { instanceIdFrom } from "./instance";

describe("instanceIdFrom", () => {
  it("defaults to host name and port", () => {
    expect(instanceIdFrom(undefined, 3001)).toBe(`${os.hostname()}:3001`.slice(0, 64));
  });
  it("takes a configured name", () => {
    expect(instanceIdFrom("portal-b", 3001)).toBe("portal-b");
  });
  it("refuses a name that could split a header", () => {
    expect(() => instanceIdFrom("a\r\nset-cookie: x", 1)).toThrow(/ZLH_INSTANCE_ID/);
  });
});
