import { describe, expect, it } from "vitest";
import { devHostName, parseDevHost } from "./host";

const D = "localhost";
const dev = (vmid: number) => ({ kind: "dev", vmid });
const invalid = { kind: "invalid" };
const other = { kind: "other" };

describe("parseDevHost", () => {
  it("accepts dev-<vmid>.<domain> with and without a port", () => {
    expect(parseDevHost("dev-6070.localhost", D)).toEqual(dev(6070));
    expect(parseDevHost("dev-6070.localhost:3000", D)).toEqual(dev(6070));
    expect(parseDevHost("dev-100.localhost:65535", D)).toEqual(dev(100));
    expect(parseDevHost("dev-6070.zerolaghub.dev", "zerolaghub.dev")).toEqual(dev(6070));
  });

  it("is case-insensitive like DNS", () => {
    expect(parseDevHost("DEV-6070.LocalHost:3000", D)).toEqual(dev(6070));
    expect(parseDevHost("Dev-6070.ZeroLagHub.Dev", "zerolaghub.dev")).toEqual(dev(6070));
  });

  it("refuses malformed ports", () => {
    for (const h of ["dev-6070.localhost:", "dev-6070.localhost:0", "dev-6070.localhost:65536", "dev-6070.localhost:080",
      "dev-6070.localhost:3000:1", "dev-6070.localhost:abc", "dev-6070.localhost:+80", "dev-6070.localhost: 80"]) {
      expect(parseDevHost(h, D), h).toEqual(invalid);
    }
  });

  it("refuses leading zeros, non-digits and out-of-range vmids", () => {
    for (const h of ["dev-06070.localhost", "dev-0.localhost", "dev-01x.localhost:3000", "dev-1x.localhost", "dev-.localhost",
      "dev-99.localhost", "dev-1.localhost", "dev-1000000000.localhost", "dev-+6070.localhost", "dev--6070.localhost",
      "dev-6070-.localhost", "dev-6 070.localhost", "dev-１２３.localhost"]) {
      expect(parseDevHost(h, D), h).toEqual(invalid);
    }
    expect(parseDevHost("dev-999999999.localhost", D)).toEqual(dev(999_999_999));
  });

  it("refuses extra labels under the dev domain", () => {
    for (const h of ["a.dev-6070.localhost", "dev-6070.a.localhost", "x.y.dev-6070.localhost:3000", "dev-6070.dev-6071.localhost"]) {
      expect(parseDevHost(h, D), h).toEqual(invalid);
    }
  });

  it("leaves look-alike domains and unrelated hosts to the portal", () => {
    for (const h of ["dev-1.localhost.evil.test", "dev-6070.localhost.evil.test:3000", "dev-6070.evil.test", "dev-6070.evillocalhost",
      "dev-6070.zerolaghub.dev.evil", "localhost", "localhost:3000", "127.0.0.1:3000", "[::1]:3000", "www.localhost",
      "devx-6070.localhost", "dev6070.localhost", ""]) {
      expect(parseDevHost(h, D), h).toEqual(other);
    }
    expect(parseDevHost(undefined, D)).toEqual(other);
    expect(parseDevHost("dev-6070.zerolaghub.dev", D)).toEqual(other);
    expect(parseDevHost("dev-6070.notzerolaghub.dev", "zerolaghub.dev")).toEqual(other);
  });

  it("refuses overlong labels and names", () => {
    expect(parseDevHost(`dev-${"1".repeat(60)}.localhost`, D)).toEqual(invalid);
    expect(parseDevHost(`dev-6070.${"a".repeat(300)}.localhost`, D)).toEqual(invalid);
    expect(parseDevHost(`${"a".repeat(64)}.dev-6070.localhost`, D)).toEqual(invalid);
    expect(parseDevHost(`${"a".repeat(400)}.localhost`, D)).toEqual(other);
  });

  // Regression (#16): `dev-6070.localhost.` was "other" and reached the portal's pages on a dev host.
  it("normalises a fully qualified trailing dot: it is the same dev host, never the portal", () => {
    expect(parseDevHost("dev-6070.localhost.", D)).toEqual(dev(6070));
    expect(parseDevHost("dev-6000.localhost.:3000", D)).toEqual(dev(6000));
    expect(parseDevHost("dev-06070.localhost.", D)).toEqual(invalid);
    expect(parseDevHost("dev-6070.localhost..", D)).toEqual(dev(6070));
  });

  it("names a vmid's host", () => {
    expect(devHostName(6070, "zerolaghub.dev")).toBe("dev-6070.zerolaghub.dev");
    expect(parseDevHost(devHostName(6070, D), D)).toEqual(dev(6070));
  });
});
