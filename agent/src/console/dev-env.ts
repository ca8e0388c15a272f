import { mkdirSync } from "node:fs";
import os from "node:os";
import type { AgentContext } from "../context";

/** What the console needs from the dev environment (the shape of devenv's devEnvironment()). */
export type ConsoleDevEnvironment = {
  env: Record<string, string>;
  user: { name: string; uid: number; gid: number; real: boolean };
  home: string;
  workspace: string;
};

/** The dev environment for shells. */
export function consoleDevEnvironment(ctx: AgentContext): ConsoleDevEnvironment {
  const info = os.userInfo();
  const home = ctx.containerPath("/home/dev");
  const workspace = ctx.containerPath("/home/dev/workspace");
  mkdirSync(workspace, { recursive: true });
  return {
    env: {
      HOME: home,
      USER: info.username,
      LOGNAME: info.username,
      TERM: "xterm-256color",
      LANG: "C.UTF-8",
      PATH: process.env.PATH ?? "/usr/local/bin:/usr/bin:/bin",
    },
    user: { name: info.username, uid: info.uid, gid: info.gid, real: false },
    home,
    workspace,
  };
}
