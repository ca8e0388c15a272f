/**
 * Idle auto-stop policy (pure). A dev container is active while someone has a shell, an SSH
 * session or the IDE open, or changed a workspace file; a game server while players are online.
 * `limitMinutes` null means auto-stop is off for that server.
 */
export type IdleInput = {
  kind: "game" | "dev";
  now: Date;
  limitMinutes: number | null;
  /** Last activity the portal recorded (IDE proxy, console relay, earlier checks). */
  lastActivityAt: Date | null;
  /** When the agent (re)started: a fresh start counts as activity. */
  agentStartedAt: Date | null;
  consoleViewers: number;
  sshConnections: number;
  players: number;
  newestFileChangeAt: Date | null;
};

export type IdleDecision = { activityAt: Date; busy: boolean; idleMs: number; stop: boolean };

const latest = (...ds: (Date | null)[]) => new Date(Math.max(0, ...ds.filter((d): d is Date => d !== null).map((d) => d.getTime())));

export function idleDecision(i: IdleInput): IdleDecision {
  const busy = i.kind === "game" ? i.players > 0 : i.consoleViewers > 0 || i.sshConnections > 0;
  const activityAt = busy ? i.now : latest(i.lastActivityAt, i.agentStartedAt, i.kind === "dev" ? i.newestFileChangeAt : null);
  const idleMs = Math.max(0, i.now.getTime() - activityAt.getTime());
  const stop = i.limitMinutes !== null && !busy && activityAt.getTime() > 0 && idleMs >= i.limitMinutes * 60_000;
  return { activityAt, busy, idleMs, stop };
}

/** The minutes a server may idle: dev = the user's choice capped by the plan (plan default when unset); game = the server's setting (off by default). */
export function idleLimitMinutes(kind: "game" | "dev", serverSetting: number | null, planDevMinutes: number): number | null {
  if (kind === "game") return serverSetting;
  return Math.min(serverSetting ?? planDevMinutes, planDevMinutes);
}
