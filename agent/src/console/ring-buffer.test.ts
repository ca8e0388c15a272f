import { describe, expect, it } from "vitest";
import { ByteRing } from "./ring-buffer";

const b = (s: string) => Buffer.from(s);

describe("ByteRing", () => {
  it("keeps everything while under capacity", () => {
    const r = new ByteRing(8);
    r.push(b("abc"));
    r.push(b("de"));
    expect(r.snapshot().toString()).toBe("abcde");
    expect(r.size).toBe(5);
  });

  it("drops the oldest bytes when it wraps", () => {
    const r = new ByteRing(8);
    r.push(b("abcdef"));
    r.push(b("ghij"));
    expect(r.snapshot().toString()).toBe("cdefghij");
    r.push(b("k"));
    expect(r.snapshot().toString()).toBe("defghijk");
    expect(r.size).toBe(8);
  });

  it("keeps only the tail of a chunk larger than the capacity", () => {
    const r = new ByteRing(4);
    r.push(b("xy"));
    r.push(b("0123456789"));
    expect(r.snapshot().toString()).toBe("6789");
    r.push(b("a"));
    expect(r.snapshot().toString()).toBe("789a");
  });

  it("wraps correctly over many small writes", () => {
    const r = new ByteRing(64 * 1024);
    let all = "";
    for (let i = 0; i < 20_000; i++) {
      const s = `line ${i}\n`;
      all += s;
      r.push(b(s));
    }
    expect(r.snapshot().toString()).toBe(all.slice(-64 * 1024));
  });

  it("skips a UTF-8 character cut by the wrap", () => {
    const r = new ByteRing(4);
    r.push(b("aé€")); // 61 C3 A9 E2 82 AC: the ring keeps A9 E2 82 AC, A9 is half of "é"
    const snap = r.snapshot();
    expect(snap.toString()).toBe("€");
  });

  it("does not trim when nothing was dropped", () => {
    const r = new ByteRing(16);
    const data = Buffer.from([0x80, 0x41]);
    r.push(data);
    expect([...r.snapshot()]).toEqual([0x80, 0x41]);
  });

  it("clears and refuses a bad capacity", () => {
    const r = new ByteRing(4);
    r.push(b("abcd"));
    r.clear();
    expect(r.size).toBe(0);
    expect(r.snapshot().length).toBe(0);
    expect(() => new ByteRing(0)).toThrow(RangeError);
  });
});
