import { describe, expect, it } from "vitest";
import { provisionPayloadSchema } from "../contract/provision";
import { canonicalJson, samePayload } from "./provision-state";

describe("canonicalJson", () => {
  it("ignores key order and undefined fields", () => {
    expect(canonicalJson({ b: 1, a: { d: [1, 2], c: undefined, e: "x" } })).toBe('{"a":{"d":[1,2],"e":"x"},"b":1}');
  });
  it("keeps array order", () => expect(canonicalJson([2, 1])).not.toBe(canonicalJson([1, 2])));
});

describe("samePayload", () => {
  const a = provisionPayloadSchema.parse({ kind: "dev", runtime: { name: "node", version: "22.1.0" } });
  it("treats defaults as written out", () => {
    expect(samePayload(a, provisionPayloadSchema.parse({ runtime: { version: "22.1.0", name: "node" }, enableCodeServer: false, kind: "dev" }))).toBe(true);
  });
  it("sees a different runtime", () => {
    expect(samePayload(a, provisionPayloadSchema.parse({ kind: "dev", runtime: { name: "node", version: "20.1.0" } }))).toBe(false);
  });
  it("is false without a previous payload", () => expect(samePayload(undefined, a)).toBe(false));
});
