import { describe, expect, it } from "vitest";
import { ByteRing, LineTail, stripAnsi } from "./log-tail";

describe("log tail", () => {
  it("keeps the last N complete lines across chunk boundaries", () => {
    const t = new LineTail(3);
    expect(t.push("one\ntw")).toEqual(["one"]);
    expect(t.push("o\nthree\nfour\nfi")).toEqual(["two", "three", "four"]);
    expect(t.tail()).toEqual(["three", "four", "fi"]);
    expect(t.tail(2)).toEqual(["four", "fi"]);
  });

  it("strips colours, cursor moves and the readline prompt flying-squid prints", () => {
    const raw = "> \x1b[1GNovember 26th 2026, 21:56:51 [\x1b[32mINFO\x1b[39m]: Server listening on port 34955, version 1.21.4\r\n";
    const t = new LineTail(10);
    expect(t.push(raw)).toEqual(["November 26th 2026, 21:56:51 [INFO]: Server listening on port 34955, version 1.21.4"]);
    expect(stripAnsi("\x1b]0;title\x07plain")).toBe("plain");
  });

  it("bounds a runaway line without a newline", () => {
    const t = new LineTail(5, 10);
    t.push("x".repeat(25));
    expect(t.tail()).toEqual(["x".repeat(10)]);
  });

  it("skips blank lines and bare prompts", () => {
    const t = new LineTail(5);
    expect(t.push("\n> \nreal\n\n")).toEqual(["real"]);
  });
});

describe("byte ring", () => {
  it("keeps exactly the last capacity bytes", () => {
    const r = new ByteRing(8);
    r.push(Buffer.from("abcde"));
    r.push(Buffer.from("fghij"));
    expect(r.contents().toString()).toBe("cdefghij");
    r.push(Buffer.from("0123456789AB"));
    expect(r.contents().toString()).toBe("456789AB");
  });
});
