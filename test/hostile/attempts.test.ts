import { execFileSync } from "node:child_process";
import { describe, expect, it } from "vitest";
import { attempts, program, typedProgram, verdicts, type AttemptContext } from "./attempts";

const ctx: AttemptContext = {
  canary: "canary-'quoted'",
  secretsPath: "/nonexistent/.data/secrets.json",
  pgDataDir: "/nonexistent/pg",
  pgPort: 1,
  portalPorts: [1],
  hostAddrs: [],
  hostAliases: [],
  otherDir: "/nonexistent/other",
  otherAgentSocket: "/nonexistent/other/agent.sock",
  otherPorts: [1],
  otherMarker: "zlh-marker-nobody-has",
  otherHostPid: 999_999_999,
  hostWritePath: "/nonexistent/dir/pwned",
};

describe("the attempt scripts", () => {
  it("are valid bash and each prints exactly one verdict line (run here against paths that do not exist)", () => {
    const out = execFileSync("bash", ["-c", program(ctx, attempts.filter((a) => !["secrets-file", "other-files"].includes(a.id)))], { encoding: "utf8", timeout: 60_000 });
    const v = verdicts(out);
    expect(v.get("end")).toBe("done");
    for (const id of ["pg-data", "pg-connect", "portal-ports", "signal"]) expect(v.get(id)).toBe("blocked");
    expect(v.get("identity")).toMatch(/^uid\d+-map\d+-nnp\d$/);
  });

  it("a connect attempt reports an open port (a listener on loopback is found)", async () => {
    const net = await import("node:net");
    const server = net.createServer((c) => c.end());
    await new Promise<void>((r) => server.listen(0, "127.0.0.1", r));
    try {
      const port = (server.address() as { port: number }).port;
      const only = attempts.filter((a) => a.id === "pg-connect");
      expect(verdicts(execFileSync("bash", ["-c", program({ ...ctx, pgPort: port }, only)], { encoding: "utf8" })).get("pg-connect")).toBe("open-127.0.0.1");
    } finally {
      server.close();
    }
  });

  it("the verdict parser ignores the base64 command line a console echoes back", () => {
    const p = program(ctx);
    expect(verdicts(p).size).toBe(0);
    expect(verdicts(`${p}\r\n@@environ=blocked\r\n@@end=done`)).toEqual(new Map([["environ", "blocked"], ["end", "done"]]));
  });

  it("typed into a terminal, every line stays far below the PTY's 4096-byte line limit and rebuilds the same program", () => {
    const typed = typedProgram(ctx, "/tmp/x.b64");
    for (const l of typed.lines) expect(l.text.length).toBeLessThan(1100);
    const b64 = typed.lines.slice(1).map((l) => /^echo (\S+) >>/.exec(l.text)![1]).join("");
    expect(`echo ${b64} | base64 -d | bash`).toBe(program(ctx));
  });
});
