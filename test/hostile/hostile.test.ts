import { execFileSync } from "node:child_process";
import { existsSync, readFileSync } from "node:fs";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { cmdline, isAlive, listPids } from "../../src/server/provisioning/providers/proc";
import { until } from "../support/until";
import { attempts, program, typedProgram, verdicts, type AttemptContext } from "./attempts";
import { crashes, echoTimes, expectResponsive, installPlugin, markerOf, openShell, readGameFile, removePlugin, restartGame, sshInto, startWorld, type Shell, type Tenant, type World } from "./world";

/**
 * The hostile-tenant suite (issue 14): from a dev shell, an SSH session and a game plugin, every
 * attempt in attempts.ts must fail, judged twice: by the verdict the attempt prints inside the
 * container and by what the host sees afterwards. Then a fork bomb and a memory hog. Real LXC
 * containers from the lxc provider; the suite fails (never skips) when LXC is missing.
 */
const GAME_MEMORY_MB = 512;

let world: World;
let a: Tenant; // the attacker's dev container
let b: Tenant; // the victim: a second tenant's dev container
let g: Tenant; // the attacker's game server
let bShell: Shell;
let victimPid: number;
let limitsBefore: Record<string, string>;

const limitFiles = async (t: Tenant) => ({
  memory: readFileSync(await world.cgroupFile(t, "memory", existsSync("/sys/fs/cgroup/cgroup.controllers") ? "memory.max" : "memory.limit_in_bytes"), "utf8").trim(),
  pids: readFileSync(await world.cgroupFile(t, "pids", "pids.max"), "utf8").trim(),
});

beforeAll(async () => {
  world = await startWorld();
  a = await world.launch("dev", 6301, 1024);
  b = await world.launch("dev", 6302, 1024);
  g = await world.launch("game", 6303, GAME_MEMORY_MB);
  // The victim leaves a file and a long-running process that carry its marker.
  bShell = await openShell(b);
  const marker = markerOf(b);
  await bShell.run(`touch ~/workspace/${marker}.txt; (exec -a ${marker} sleep 100000) & echo started-$((40+2))`, /started-42/);
  victimPid = await until("the victim's marker process on the host", () => listPids().find((p) => cmdline(p)[0] === marker) ?? null, 10_000, 100);
  limitsBefore = { ...(await limitFiles(a)), ...Object.fromEntries(Object.entries(await limitFiles(g)).map(([k, v]) => [`g-${k}`, v])) };
}, 900_000);

afterAll(async () => {
  bShell?.close();
  await world?.close();
}, 300_000);

/** Every attempt's verdict from one run of the program, and what the host sees afterwards. */
async function judge(output: string, ctx: AttemptContext): Promise<void> {
  const v = verdicts(output);
  expect(v.get("end"), `the attempts did not all run; output: ${output.slice(-1500)}`).toBe("done");
  for (const at of attempts) {
    if (at.id === "identity") continue;
    expect.soft(v.get(at.id), `${at.id}: ${at.what}`).toBe("blocked");
  }
  const id = /^uid(\d+)-map(\d+)-nnp(\d)$/.exec(v.get("identity") ?? "");
  expect(id, `identity verdict: ${v.get("identity")}`).not.toBeNull();
  const [inside, base, nnp] = [Number(id![1]), Number(id![2]), id![3]];
  expect.soft(inside, "runs as root inside the container").not.toBe(0);
  expect.soft(base + inside, "runs as host root").not.toBe(0);
  expect.soft(base + inside, "runs as the portal's user").not.toBe(process.getuid?.());
  expect.soft(nnp, "no-new-privs is set").toBe("1");
  // The host's view: nothing written, the victim's process alive, the limits as they were.
  expect.soft(existsSync(ctx.hostWritePath), "a file appeared on the host").toBe(false);
  expect.soft(existsSync(path.resolve("agent/dist/pwned")), "the agent bundle was written").toBe(false);
  expect.soft(isAlive(victimPid) && cmdline(victimPid)[0] === markerOf(b), "the victim's process was killed").toBe(true);
  expect.soft(await limitFiles(a)).toEqual({ memory: limitsBefore.memory, pids: limitsBefore.pids });
  expect.soft(await limitFiles(g)).toEqual({ memory: limitsBefore["g-memory"], pids: limitsBefore["g-pids"] });
}

describe.sequential("a hostile tenant on real LXC containers", () => {
  it("control: run on the host itself (no container), the same attempts get through, so a verdict of 'blocked' means something", async () => {
    // No container aliases here: from the host, 10.0.2.2 would be another machine.
    const ctx = { ...world.ctxFor(a, b, victimPid), hostAliases: [], hostWritePath: path.join(world.dataDir, "control", "pwned") };
    // Not the mount and cgroup attempts: as host root they would really mount and raise limits here.
    const safe = attempts.filter((x) => !["identity", "mount", "cgroup"].includes(x.id));
    const v = verdicts(execFileSync("bash", ["-c", program(ctx, safe)], { encoding: "utf8", timeout: 300_000 }));
    const through = safe.filter((x) => v.get(x.id) !== "blocked").map((x) => x.id);
    expect(through.sort()).toEqual(["environ", "other-agent", "other-files", "pg-connect", "pg-data", "portal-ports", "secrets-file", "signal"]);
    // write-outside is judged on the host: here the file is really there.
    expect(existsSync(ctx.hostWritePath)).toBe(true);
  }, 360_000);

  it("each container reports its own cgroup figures in /status (CPU, memory with the plan's limit, pids with the limit), and not the host's disk", async () => {
    for (const [t, mb] of [[a, 1024], [g, GAME_MEMORY_MB]] as const) {
      const c = (await t.client.status()).container;
      expect(c, `container section of ${t.vmid}`).toMatchObject({ memory: { limitBytes: mb * 1024 * 1024 }, pids: { limit: expect.any(Number) } });
      expect(c!.cpu.usageSeconds).toBeGreaterThan(0);
      expect(c!.memory.usageBytes).toBeGreaterThan(0);
      expect(c!.net?.interfaces).toContain("tap0");
      // Its root is an overlay on the host's disk: statfs there answers the host's figures (every
      // tenant's files), which are not this container's.
      expect(c!.disk, `disk of ${t.vmid}`).toBeNull();
    }
  });

  it("from a dev shell (console PTY through the agent), every attempt fails", async () => {
    const ctx = world.ctxFor(a, b, victimPid);
    const shell = await openShell(a);
    try {
      const typed = typedProgram(ctx, "/tmp/hostile.b64");
      for (const line of typed.lines) await shell.run(line.text, line.ack, 30_000);
      await judge(await shell.run(typed.run, /@@end=done/, 300_000), ctx);
    } finally {
      shell.close();
    }
  }, 360_000);

  it("from an SSH session (the real OpenSSH client), every attempt fails", async () => {
    const ctx = world.ctxFor(a, b, victimPid);
    const ssh = await sshInto(a);
    try {
      await judge(await ssh.exec(program(ctx), 300_000), ctx);
    } finally {
      ssh.kit.cleanup();
    }
  }, 360_000);

  it("from a game plugin (flying-squid requires it as the game user), every attempt fails", async () => {
    const ctx = world.ctxFor(g, b, victimPid);
    // The plugin runs the same program as the game user at load, and leaves the output beside the game.
    const plugin = `const { execFileSync } = require("node:child_process");
const { writeFileSync } = require("node:fs");
const path = require("node:path");
let out;
try { out = execFileSync("bash", ["-c", ${JSON.stringify(program(ctx))}], { encoding: "utf8", timeout: 280000 }); }
catch (e) { out = String((e && e.stdout) || "") + "\\n@@plugin-error=" + String(e && e.message).replace(/\\s+/g, "_"); }
writeFileSync(path.join(__dirname, "..", "hostile-results.txt"), out);
`;
    await installPlugin(g, "zz-hostile.js", plugin);
    await restartGame(g);
    const out = await until("the plugin's results", () => readGameFile(g, "hostile-results.txt"), 330_000, 1000);
    await removePlugin(g, "zz-hostile.js");
    await judge(out, ctx);
  }, 400_000);

  it("memory hog from an SSH session: the kernel kills it at the container's limit (counted in /status), the agent and the other tenant carry on", async () => {
    const before = (await a.client.status()).container!.memory.oomKills ?? 0;
    const ssh = await sshInto(a);
    try {
      const out = await ssh.exec(`/usr/local/bin/node -e 'const k=[];setInterval(()=>{for(let i=0;i<4;i++)k.push(Buffer.alloc(16<<20,1))},20)'; echo "hog-exit=$?"`, 120_000);
      expect(out).toMatch(/hog-exit=137/);
    } finally {
      ssh.kit.cleanup();
    }
    const after = (await a.client.status()).container!;
    expect(after.memory.oomKills).toBeGreaterThan(before);
    expect(after.memory.limitBytes).toBe(1024 * 1024 * 1024);
    expectResponsive(await echoTimes(bShell, 5));
  }, 240_000);

  it("fork bomb from a dev shell: the pids limit holds and another tenant's console stays responsive", async () => {
    const pidsMax = Number(readFileSync(await world.cgroupFile(a, "pids", "pids.max"), "utf8"));
    expect(pidsMax).toBeGreaterThan(0);
    const bomb = await openShell(a, "bomb");
    bomb.ws.send("bash -c 'b(){ b|b& }; b'\r");
    const current = await world.cgroupFile(a, "pids", "pids.current");
    await until("the bomb reaches the pids limit", () => Number(readFileSync(current, "utf8")) >= pidsMax - 5, 60_000, 100);
    const times = await echoTimes(bShell, 20);
    const sorted = [...times].sort((x, y) => x - y);
    const p50 = sorted[Math.floor(sorted.length / 2)]!;
    const p90 = sorted[Math.floor(sorted.length * 0.9)]!;
    console.log(`fork bomb: pids ${readFileSync(current, "utf8").trim()}/${pidsMax}; victim echo ms p50 ${p50.toFixed(1)} p90 ${p90.toFixed(1)} max ${sorted.at(-1)!.toFixed(1)}`);
    expect(Number(readFileSync(current, "utf8"))).toBeLessThanOrEqual(pidsMax);
    expectResponsive(sorted);
    bomb.close();
    // The host keeps control: the bombed container stops cleanly, nothing of it is left.
    await world.provider.stop(a.ref, 60_000);
    expect(await world.provider.state(a.ref)).toBe("stopped");
    expect(world.provider.processesOf(a.vmid)).toEqual([]);
  }, 300_000);

  it("memory hog from a game plugin: an 'Out of memory' crash with the limit; the host and the other tenant carry on", async () => {
    const before = (await crashes(g)).length;
    await installPlugin(g, "zz-hog.js", `const keep = [];\nsetInterval(() => { for (let i = 0; i < 4; i++) keep.push(Buffer.alloc(16 << 20, 1)); }, 20);\n`);
    await restartGame(g);
    const [crash] = await until("an OOM crash record", async () => {
      const c = await crashes(g);
      return c.length > before ? c : null;
    }, 180_000, 500);
    await removePlugin(g, "zz-hog.js");
    expect(crash, JSON.stringify(crash)).toMatchObject({ classification: "oom", signal: "SIGKILL", memoryLimitBytes: GAME_MEMORY_MB * 1024 * 1024 });
    expect(crash!.reason).toContain(`${GAME_MEMORY_MB} MiB`);
    // The agent of the hog's container survived (it answers), and so did the other tenant.
    expect((await g.client.status()).state).not.toBe("error");
    const times = await echoTimes(bShell, 5);
    expectResponsive(times);
    const avail = Number(/MemAvailable:\s+(\d+)/.exec(readFileSync("/proc/meminfo", "utf8"))![1]) * 1024;
    expect(avail).toBeGreaterThan(GAME_MEMORY_MB * 1024 * 1024);
  }, 300_000);

  it("fork bomb from a game plugin: the game container's pids limit holds and another tenant's console stays responsive", async () => {
    const pidsMax = Number(readFileSync(await world.cgroupFile(g, "pids", "pids.max"), "utf8"));
    await installPlugin(g, "zz-bomb.js", `require("node:child_process").spawn("bash", ["-c", "b(){ b|b& }; b"], { detached: true, stdio: "ignore" }).unref();\n`);
    await restartGame(g);
    const current = await world.cgroupFile(g, "pids", "pids.current");
    await until("the bomb reaches the pids limit", () => Number(readFileSync(current, "utf8")) >= pidsMax - 5, 120_000, 100);
    const sorted = (await echoTimes(bShell, 20)).sort((x, y) => x - y);
    console.log(`plugin fork bomb: pids ${readFileSync(current, "utf8").trim()}/${pidsMax}; victim echo ms p50 ${sorted[10]!.toFixed(1)} p90 ${sorted[18]!.toFixed(1)} max ${sorted.at(-1)!.toFixed(1)}`);
    expect(Number(readFileSync(current, "utf8"))).toBeLessThanOrEqual(pidsMax);
    expectResponsive(sorted);
    await world.provider.stop(g.ref, 60_000);
    expect(world.provider.processesOf(g.vmid)).toEqual([]);
  }, 300_000);
});
