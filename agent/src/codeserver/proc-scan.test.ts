import { describe, expect, it } from "vitest";
import { descendants, isCodeServerFor, parseCmdline, parseStat, pickMain, procState, processTable, type ProcInfo } from "./proc-scan";

const dir = "/root/x/opt/zlh/services/code-server";
const sock = "/run/zlh-code-server/code-server.sock";
const argv = (socket: string, style: "split" | "eq" = "split") => [
  `${dir}/node/bin/node`,
  `${dir}/lib/node_modules/code-server/out/node/entry.js`,
  ...(style === "split" ? ["--socket", socket] : [`--socket=${socket}`]),
  "--auth",
  "none",
];

describe("proc scan policy", () => {
  it("parses cmdline and stat (comm with spaces and parentheses)", () => {
    expect(parseCmdline(Buffer.from("node\0a b\0--x\0"))).toEqual(["node", "a b", "--x"]);
    expect(parseStat("123 (we ird) (name)) S 45 123 123 0 -1")).toEqual({ ppid: 45, pgid: 123 });
    expect(parseStat("garbage")).toBeNull();
    expect(procState("123 (a) b) Z 1 1")).toBe("Z");
    expect(procState("nothing")).toBeNull();
  });

  it("matches our install dir and socket only", () => {
    expect(isCodeServerFor(argv(sock), dir, sock)).toBe(true);
    expect(isCodeServerFor(argv(sock, "eq"), dir, sock)).toBe(true);
    expect(isCodeServerFor(argv("/run/zlh-code-server/other.sock"), dir, sock)).toBe(false);
    expect(isCodeServerFor(argv(`${sock}.old`), dir, sock)).toBe(false);
    expect(isCodeServerFor(argv(sock), "/other/code-server", sock)).toBe(false);
    expect(isCodeServerFor(argv(sock), `${dir}-old`, sock)).toBe(false);
    expect(isCodeServerFor(["vim", `${dir}/notes`, "--socket"], dir, sock)).toBe(false);
    expect(isCodeServerFor([`${dir}/bin/code-server`, "--bind-addr", "0.0.0.0:6000"], dir, sock)).toBe(false);
  });

  it("picks the group leader, else the topmost match", () => {
    const p = (pid: number, ppid: number, pgid: number): ProcInfo => ({ pid, ppid, pgid, argv: [] });
    expect(pickMain([p(20, 10, 10), p(10, 1, 10)])?.pid).toBe(10);
    expect(pickMain([p(21, 20, 5), p(20, 1, 5)])?.pid).toBe(20);
    expect(pickMain([])).toBeNull();
  });

  it("collects a process tree", () => {
    const p = (pid: number, ppid: number): ProcInfo => ({ pid, ppid, pgid: 0, argv: [] });
    const table = [p(1, 0), p(10, 1), p(11, 10), p(12, 11), p(13, 10), p(20, 1)];
    expect(descendants(table, 10).sort()).toEqual([10, 11, 12, 13]);
  });

  it("reads the real process table (this process is in it)", async () => {
    const table = await processTable();
    const self = table.find((t) => t.pid === process.pid);
    expect(self?.argv[0]).toBe(process.execPath);
    expect(self?.ppid).toBe(process.ppid);
  });
});
