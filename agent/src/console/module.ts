import { mkdirSync } from "node:fs";
import { Gauge } from "prom-client";
import type { AgentContext } from "../context";
import { consoleCloseCodes, consoleConnectQuerySchema, type ConsoleSessionInfo } from "../contract/console";
import { notFound } from "../http/errors";
import { devEnvironment, devRunAs } from "../devenv";
import { defaultShell, spawnPtySource, type PtySource } from "./pty-source";
import { ConsoleSession } from "./session";

const MAX_SESSIONS = 8;
const MAX_VIEWERS_PER_SESSION = 16;

/**
 * The dev shell console: GET /console (WebSocket, protocol in contract/console.ts) attaches to the
 * named session (`?session=`, default "default"), starting a login shell as the dev user in the
 * workspace when none runs. GET /console/sessions lists them; DELETE /console/sessions/:name ends one.
 */
export function registerConsole(ctx: AgentContext): void {
  const sessions = new Map<string, { session: ConsoleSession; pid: number; source: PtySource }>();
  const graceMs = ctx.config.consoleGraceSeconds * 1000;

  new Gauge({
    name: "zlh_agent_console_sessions",
    help: "Open dev shell sessions",
    registers: [ctx.metrics],
    collect() {
      this.set(sessions.size);
    },
  });
  new Gauge({
    name: "zlh_agent_console_viewers",
    help: "Connected dev shell viewers",
    registers: [ctx.metrics],
    collect() {
      this.set([...sessions.values()].reduce((n, s) => n + s.session.viewers, 0));
    },
  });

  const start = (name: string, cols: number, rows: number) => {
    const dev = devEnvironment(ctx);
    // The container's dev user (throws before it exists: never a root shell); null on the unisolated provider.
    const runAs = devRunAs(ctx);
    mkdirSync(dev.workspace, { recursive: true });
    const shell = defaultShell();
    const source = spawnPtySource({ cwd: dev.workspace, env: { ...dev.env, SHELL: shell }, cols, rows, shell, runAs });
    const session = new ConsoleSession(source, {
      name,
      log: ctx.log,
      graceMs,
      size: { cols, rows },
      onClosed: () => {
        if (sessions.get(name)?.session === session) sessions.delete(name);
      },
    });
    sessions.set(name, { session, pid: source.pid, source });
    ctx.log.info({ session: name, pid: source.pid, user: runAs?.name ?? "agent" }, "console session started");
    return session;
  };

  ctx.router.ws("/console", (ws, { url }) => {
    const q = consoleConnectQuerySchema.safeParse(Object.fromEntries(url.searchParams));
    if (!q.success) {
      ws.close(consoleCloseCodes.badRequest, q.error.issues[0]?.message.slice(0, 100) ?? "bad request");
      return;
    }
    const { session: name, cols, rows } = q.data;
    let entry = sessions.get(name);
    if (entry?.session.isClosed) entry = undefined;
    if (!entry && sessions.size >= MAX_SESSIONS) {
      ws.close(consoleCloseCodes.tooMany, `at most ${MAX_SESSIONS} sessions`);
      return;
    }
    if (entry && entry.session.viewers >= MAX_VIEWERS_PER_SESSION) {
      ws.close(consoleCloseCodes.tooMany, `at most ${MAX_VIEWERS_PER_SESSION} viewers`);
      return;
    }
    let session: ConsoleSession;
    try {
      session = entry?.session ?? start(name, cols, rows);
    } catch (err) {
      ctx.log.error({ err, session: name }, "console shell failed to start");
      ws.close(1011, "shell failed to start");
      return;
    }
    session.attach(ws);
  });

  ctx.router.get("/console/sessions", ({ send }) => {
    const list: ConsoleSessionInfo[] = [...sessions.values()].map(({ session, pid }) => ({
      name: session.name,
      pid,
      cols: session.terminalSize?.cols ?? 80,
      rows: session.terminalSize?.rows ?? 24,
      viewers: session.viewers,
      startedAt: session.startedAt.toISOString(),
      ...(session.expires ? { expiresAt: session.expires.toISOString() } : {}),
    }));
    send(200, { sessions: list });
  });

  ctx.router.delete("/console/sessions/:name", ({ params, send }) => {
    const entry = sessions.get(params.name!);
    if (!entry) throw notFound("no such console session");
    entry.session.close(consoleCloseCodes.goingAway, "session ended");
    send(200, { ok: true });
  });

  // Shells must not outlive the agent: hang up, wait briefly, then kill what is left.
  ctx.onShutdown(async () => {
    const open = [...sessions.values()];
    for (const { session } of open) session.close(consoleCloseCodes.goingAway, "agent shutting down");
    const waited = await Promise.race([
      Promise.all(open.map((s) => s.source.exited)).then(() => true),
      new Promise<false>((r) => setTimeout(() => r(false), 2500)),
    ]);
    if (!waited) for (const { source } of open) source.kill();
  });
}
