import { afterAll, beforeAll, describe, expect, it } from "vitest";
import WebSocket from "ws";
import { startAgentProcess, type AgentProcess } from "../../../test/support/agent-process";
import { startTestArtifactServer, type TestArtifactServer } from "../../../test/support/artifact-server";
import { CONSOLE_MAX_MESSAGE_BYTES, consoleCloseCodes } from "../contract/console";

/** A console viewer: collects output, waits for patterns. */
type Viewer = {
  ws: WebSocket;
  output(): string;
  waitFor(re: RegExp, ms?: number): Promise<RegExpMatchArray>;
  closed: Promise<{ code: number; reason: string }>;
};

async function until<T>(fn: () => T | undefined | null | false, ms: number, what: string): Promise<T> {
  const deadline = Date.now() + ms;
  for (;;) {
    const v = fn();
    if (v) return v;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 25));
  }
}

function connect(agent: AgentProcess, query = "", token = agent.token): Promise<Viewer> {
  const ws = new WebSocket(`ws://127.0.0.1:${agent.port}/console${query}`, { headers: { authorization: `Bearer ${token}` } });
  let out = "";
  ws.on("message", (d: Buffer) => (out += d.toString("utf8")));
  const closed = new Promise<{ code: number; reason: string }>((resolve) => ws.on("close", (code, reason) => resolve({ code, reason: reason.toString() })));
  return new Promise((resolve, reject) => {
    ws.once("open", () =>
      resolve({
        ws,
        output: () => out,
        waitFor: (re, ms = 15_000) => until(() => out.match(re), ms, `${re} in console output:\n${out.slice(-500)}`),
        closed,
      }),
    );
    ws.once("unexpected-response", (_req, res) => reject(new Error(`upgrade refused: ${res.statusCode}`)));
    ws.once("error", reject);
  });
}

describe("dev console over WebSocket (real PTY, real agent)", () => {
  let artifacts: TestArtifactServer;
  let agent: AgentProcess;

  beforeAll(async () => {
    artifacts = await startTestArtifactServer();
    agent = await startAgentProcess({ artifactsUrl: artifacts.url, extraArgs: ["--console-grace-seconds", "2"] });
  });
  afterAll(async () => {
    await agent?.dispose();
    await artifacts?.close();
  });

  it("refuses an upgrade without the token", async () => {
    await expect(connect(agent, "", "wrong-token-wrong-token")).rejects.toThrow(/401/);
  });

  it("runs a login shell in the workspace: type a command, read its output", async () => {
    const v = await connect(agent, "?session=cmd");
    v.ws.send("echo hello-$((6*7)); pwd\r");
    await v.waitFor(/hello-42/);
    await v.waitFor(/\/home\/dev\/workspace/);
    v.ws.close();
  });

  it("resizes the terminal (stty size)", async () => {
    const v = await connect(agent, "?session=size&cols=100&rows=30");
    v.ws.send("stty size\r");
    await v.waitFor(/\b30 100\b/);
    v.ws.send(JSON.stringify({ type: "resize", cols: 132, rows: 43 }));
    v.ws.send("stty size\r");
    await v.waitFor(/\b43 132\b/);
    v.ws.close();
  });

  it("replays the scrollback to a reconnecting viewer", async () => {
    const a = await connect(agent, "?session=replay");
    a.ws.send("echo marker-$((1000+234))\r");
    await a.waitFor(/marker-1234/);
    a.ws.close();
    await a.closed;
    const b = await connect(agent, "?session=replay");
    await b.waitFor(/marker-1234/);
    // Same shell: its variables survive the reconnect.
    b.ws.send("echo pid=$$\r");
    const [, pid] = (await b.waitFor(/pid=(\d+)/)) as RegExpMatchArray & [string, string];
    const list = (await (await agent.fetch("/console/sessions")).json()) as { sessions: { name: string; pid: number }[] };
    expect(list.sessions.find((s) => s.name === "replay")?.pid).toBe(Number(pid));
    b.ws.close();
  });

  it("shares one session between two viewers", async () => {
    const a = await connect(agent, "?session=shared");
    const b = await connect(agent, "?session=shared");
    a.ws.send("echo from-a-$((2+2))\r");
    await a.waitFor(/from-a-4/);
    await b.waitFor(/from-a-4/);
    b.ws.send(Buffer.from("echo from-b-$((3+3))\r"));
    await a.waitFor(/from-b-6/);
    await b.waitFor(/from-b-6/);
    a.ws.close();
    b.ws.close();
  });

  it("keeps the session for the grace period, then ends the shell", async () => {
    const a = await connect(agent, "?session=grace");
    a.ws.send("echo pid=$$\r");
    const m = await a.waitFor(/pid=(\d+)/);
    const pid = Number(m[1]);
    a.ws.close();
    await a.closed;
    // The countdown shows in the listing once the agent has seen the viewer leave.
    const seenCountdown = async () => {
      const listed = (await (await agent.fetch("/console/sessions")).json()) as { sessions: { name: string; expiresAt?: string }[] };
      const grace = listed.sessions.find((s) => s.name === "grace");
      return !grace || grace.expiresAt !== undefined;
    };
    const deadline = Date.now() + 10_000;
    while (!(await seenCountdown()) && Date.now() < deadline) await new Promise((r) => setTimeout(r, 25));
    expect(await seenCountdown()).toBe(true);
    await until(
      () => {
        try {
          process.kill(pid, 0);
          return false;
        } catch {
          return true;
        }
      },
      20_000,
      "the shell to end after the grace period",
    );
    const after = (await (await agent.fetch("/console/sessions")).json()) as { sessions: { name: string }[] };
    expect(after.sessions.some((s) => s.name === "grace")).toBe(false);
  });

  it("closes a viewer with 1009 past the message size cap", async () => {
    const v = await connect(agent, "?session=big");
    v.ws.send(Buffer.alloc(CONSOLE_MAX_MESSAGE_BYTES + 1, 0x61));
    expect((await v.closed).code).toBe(consoleCloseCodes.tooBig);
  });

  it("tells viewers when the shell exits", async () => {
    const v = await connect(agent, "?session=exit");
    v.ws.send("exit 3\r");
    const closed = await v.closed;
    expect(closed.code).toBe(consoleCloseCodes.exited);
    expect(closed.reason).toBe("exit 3");
  });

  it("ends its shells when the agent stops (nothing outlives it)", async () => {
    const v = await connect(agent, "?session=survivor");
    v.ws.send("trap '' HUP; echo pid=$$\r");
    const pid = Number((await v.waitFor(/pid=(\d+)/))[1]);
    await agent.restart();
    expect(await v.closed).toMatchObject({ code: consoleCloseCodes.goingAway });
    await until(
      () => {
        try {
          process.kill(pid, 0);
          return false;
        } catch {
          return true;
        }
      },
      20_000,
      "the shell to be gone",
    );
    const list = (await (await agent.fetch("/console/sessions")).json()) as { sessions: unknown[] };
    expect(list.sessions).toEqual([]);
  });

  it("refuses a malformed session name", async () => {
    const v = await connect(agent, "?session=../../etc");
    expect((await v.closed).code).toBe(consoleCloseCodes.badRequest);
  });
});
