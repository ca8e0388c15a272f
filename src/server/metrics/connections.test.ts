import { PassThrough } from "node:stream";
import { describe, expect, it } from "vitest";
import { trackConnection } from "./connections";
import { portalMetrics } from "./registry";

const settle = () => new Promise((r) => setImmediate(r));
const value = async (metric: { get(): Promise<{ values: { labels: object; value: number }[] }> }, labels: object) =>
  (await metric.get()).values.find((v) => JSON.stringify(v.labels) === JSON.stringify(labels))?.value ?? 0;

describe("long-lived connection metrics", () => {
  it("counts open connections and their bytes at close, with one shared close handler per kind", async () => {
    const m = portalMetrics();
    const open0 = await value(m.connections, { kind: "ide" });
    const in0 = await value(m.proxyBytes, { kind: "ide", direction: "in" });
    const a = Object.assign(new PassThrough(), { bytesRead: 10, bytesWritten: 20 });
    const b = Object.assign(new PassThrough(), { bytesRead: 5, bytesWritten: 0 });
    trackConnection("ide", a);
    trackConnection("ide", b);
    trackConnection("ide", a);
    expect(await value(m.connections, { kind: "ide" })).toBe(open0 + 2);
    // No closure per socket: idle IDE sessions are held by the thousand.
    expect(a.listeners("close")).toEqual(b.listeners("close"));
    expect(a.listeners("close")).toHaveLength(1);
    a.destroy();
    b.destroy();
    await settle();
    expect(await value(m.connections, { kind: "ide" })).toBe(open0);
    expect(await value(m.proxyBytes, { kind: "ide", direction: "in" })).toBe(in0 + 15);
  });
});
