// The game's parent process, started by the agent in its own session (setsid) so the game survives
// an agent restart. It gives the game the console FIFO as stdin and the log file as stdout/stderr,
// records the game's pid, and when the game exits writes how (exit code or signal) to exit.json —
// which is how an agent that re-adopted the game (not its parent) still learns the exit status.
// Plain JavaScript on purpose: it runs under the bare node binary, without tsx.
//   node wrapper.mjs <runDir> <runId> <cwd> <command> [args...]
import { spawn } from "node:child_process";
import { closeSync, constants, fsyncSync, openSync, renameSync, writeFileSync } from "node:fs";
import path from "node:path";

const [runDir, runId, cwd, command, ...args] = process.argv.slice(2);

function writeAtomic(name, value) {
  const file = path.join(runDir, name);
  const tmp = `${file}.${process.pid}.tmp`;
  const fd = openSync(tmp, "w", 0o600);
  writeFileSync(fd, JSON.stringify(value));
  fsyncSync(fd);
  closeSync(fd);
  renameSync(tmp, file);
}

// Read-write so the game never sees end-of-file while no agent holds the pipe open.
const stdin = openSync(path.join(runDir, "console.fifo"), constants.O_RDWR);
const out = openSync(path.join(runDir, "game.log"), "a");

// The agent's graceful stop signals the game, not this process; survive stray group signals.
for (const sig of ["SIGTERM", "SIGINT", "SIGHUP"]) process.on(sig, () => {});

const child = spawn(command, args, { cwd, stdio: [stdin, out, out], env: process.env });
child.on("spawn", () => writeAtomic("game.pid.json", { runId, pid: child.pid, wrapperPid: process.pid }));
child.on("error", (err) => {
  writeAtomic("exit.json", { runId, pid: child.pid ?? null, exitCode: null, signal: null, error: String(err.message), at: new Date().toISOString() });
  process.exit(0);
});
child.on("exit", (exitCode, signal) => {
  writeAtomic("exit.json", { runId, pid: child.pid, exitCode, signal, at: new Date().toISOString() });
  process.exit(0);
});
