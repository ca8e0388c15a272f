import { constants } from "node:os";

/**
 * How a finished command is reported over SSH. RFC 4254 names the signals an `exit-signal` may
 * carry; ssh2 throws on any other (and on node-pty's numeric signals), which used to take the
 * whole agent down when a PTY session ended by SIGHUP. Anything else becomes the shell's 128+n.
 */
const SSH_SIGNALS = new Set(["ABRT", "ALRM", "FPE", "HUP", "ILL", "INT", "KILL", "PIPE", "QUIT", "SEGV", "TERM", "USR1", "USR2"]);

export function sshExitStatus(code: number | null, signal: number | string | null): { signal: string } | { code: number } {
  if (signal === null || signal === 0 || signal === "") return { code: code ?? 0 };
  const number = typeof signal === "number" ? signal : constants.signals[signal as keyof typeof constants.signals];
  const name = typeof signal === "number" ? Object.entries(constants.signals).find(([, n]) => n === signal)?.[0] : signal;
  const short = name?.replace(/^SIG/, "");
  if (short && SSH_SIGNALS.has(short)) return { signal: short };
  return { code: typeof number === "number" ? 128 + number : (code ?? 1) };
}
