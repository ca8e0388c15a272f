import { createHash } from "node:crypto";
import { chmodSync, chownSync, closeSync, constants, existsSync, lstatSync, mkdirSync, openSync, readFileSync, readSync, readdirSync, renameSync, rmSync, statfsSync, writeFileSync, writeSync } from "node:fs";
import path from "node:path";
import { z } from "zod";
import { logger } from "../../log/logger";
import { freePort } from "../../net/free-port";
import { artifactsProxyListening, closeArtifactsProxy, ensureArtifactsProxy } from "./lxc-artifacts-proxy";
import { ensureNoSymfollowMount, lxcDestroy, lxcInitPid, lxcStart, lxcState, lxcStop, unmountIfMounted } from "./lxc-cmd";
import { cgroupVersionOf, ID_SHIFT, IN, renderLxcConfig, type CgroupVersion } from "./lxc-config";
import { inContainerCgroup, removeLeftoverCgroups } from "./lxc-cgroups";
import { agentNativeModules } from "./lxc-native-modules";
import { slirpPid, startSlirp, stopSlirp, type SlirpFiles } from "./lxc-slirp";
import { ensureTemplate } from "./lxc-template";
import { isAlive, listPids } from "./proc";
import type { ContainerSpec, ContainerState, CreatedContainer, Provider, StartOptions } from "./types";

/**
 * Real containers on this machine through LXC's own tools (lxc-start/-info/-stop/-destroy with our
 * own lxcpath): unprivileged (ids shifted by 100000), an overlay root over the shared template, an
 * own network namespace with slirp4netns publishing the game and SSH ports, cgroup limits from the
 * plan, the agent as container root listening on a Unix socket the portal reaches through the
 * container's run folder. Containers, slirp4netns and the agent outlive a portal restart; the next
 * portal adopts them (state() re-attaches what died with the old one).
 */
const log = logger.child({ module: "provider.lxc" });

const layoutSchema = z.object({
  vmid: z.number().int(),
  serverId: z.string(),
  kind: z.enum(["dev", "game"]),
  memoryMb: z.number().int(),
  hostname: z.string(),
  lowerDir: z.string(),
  ports: z.object({ game: z.number().int(), ssh: z.number().int() }),
  /** The artifact store of the last start, for re-serving the container's artifact socket after a portal restart. */
  artifactsUrl: z.string(),
});
type Layout = z.infer<typeof layoutSchema>;

const refSchema = z.object({ name: z.string().regex(/^zlh-\d+-[0-9a-f]{8}$/), vmid: z.number().int() });

export type LxcProviderOptions = {
  dataDir: string;
  /** Host address the game and SSH ports are published on (ZLH_GAME_BIND), loopback by default. */
  publishAddress?: string;
  /** The agent bundle folder (agent/dist) and the node_modules its native modules come from. */
  agentDir?: string;
  nodeModulesDir?: string;
  logLevel?: string;
  /** Extra agent flags (agentTuningFlags of the portal's environment). */
  agentFlags?: string[];
};

function writeAtomic(file: string, data: string, mode = 0o600): void {
  const tmp = `${file}.${process.pid}.tmp`;
  writeFileSync(tmp, data, { mode });
  renameSync(tmp, file);
}

export function detectCgroupVersion(): CgroupVersion {
  return cgroupVersionOf(statfsSync("/sys/fs/cgroup").type);
}

export class LxcProvider implements Provider {
  readonly name = "lxc" as const;
  readonly rotatesTokenOnStart = true;
  /** LXC's lxcpath for our containers (-P): <data>/lxc/containers/<name>/{config,upper,work,run,host}. */
  readonly containersDir: string;
  readonly templatesDir: string;
  private readonly agentDir: string;
  private readonly nodeModulesDir: string;
  private readonly cgroup = detectCgroupVersion();
  /** Distinguishes our containers from another data folder's on the same host (cgroup names are global). */
  private readonly tag: string;

  constructor(private readonly opts: LxcProviderOptions) {
    const root = path.join(path.resolve(opts.dataDir), "lxc");
    this.containersDir = path.join(root, "containers");
    this.templatesDir = path.join(root, "templates");
    this.agentDir = path.resolve(opts.agentDir ?? "agent/dist");
    this.nodeModulesDir = path.resolve(opts.nodeModulesDir ?? "node_modules");
    this.tag = createHash("sha256").update(this.containersDir).digest("hex").slice(0, 8);
  }

  async nextVmid(atLeast: number): Promise<number> {
    return Math.max(atLeast, 6000);
  }

  nameOf(vmid: number): string {
    return `zlh-${vmid}-${this.tag}`;
  }

  dirOf(vmid: number): string {
    return path.join(this.containersDir, this.nameOf(vmid));
  }

  refOf(vmid: number): string {
    return JSON.stringify({ name: this.nameOf(vmid), vmid });
  }

  private parseRef(ref: string): { name: string; vmid: number; dir: string } {
    const r = refSchema.parse(JSON.parse(ref));
    // The name must be ours: a tampered ref cannot point the provider at another container.
    if (r.name !== this.nameOf(r.vmid)) throw new Error(`provider ref ${r.name} is not a container of ${this.containersDir}`);
    return { ...r, dir: this.dirOf(r.vmid) };
  }

  private files(dir: string) {
    return {
      layout: path.join(dir, "zlh.json"),
      config: path.join(dir, "config"),
      upper: path.join(dir, "upper"),
      work: path.join(dir, "work"),
      run: path.join(dir, "run"),
      host: path.join(dir, "host"),
      agentSocket: path.join(dir, "run", "agent.sock"),
      tokenFile: path.join(dir, "run", "agent.token"),
      artifactsSocket: path.join(dir, "host", "artifacts.sock"),
      consoleLog: path.join(dir, "console.log"),
      lxcLog: path.join(dir, "lxc.log"),
      slirp: { pidFile: path.join(dir, "slirp.pid"), apiSocket: path.join(dir, "slirp.sock"), logFile: path.join(dir, "slirp.log") } satisfies SlirpFiles,
    };
  }

  private readLayout(dir: string): Layout | null {
    try {
      return layoutSchema.parse(JSON.parse(readFileSync(path.join(dir, "zlh.json"), "utf8")));
    } catch {
      return null;
    }
  }

  private publishAddress(): string {
    return this.opts.publishAddress ?? "127.0.0.1";
  }

  private describe(name: string, vmid: number, layout: Layout): CreatedContainer {
    const f = this.files(this.dirOf(vmid));
    return {
      agentUrl: `unix:${f.agentSocket}`,
      // code-server is only reachable through the agent (the IDE tunnel), never from the host.
      sshHost: layout.kind === "dev" ? this.publishAddress() : null,
      sshPort: layout.kind === "dev" ? layout.ports.ssh : null,
      gamePort: layout.ports.game,
      isolated: true,
      providerRef: JSON.stringify({ name, vmid }),
    };
  }

  async create(spec: ContainerSpec): Promise<CreatedContainer> {
    const name = this.nameOf(spec.vmid);
    const dir = this.dirOf(spec.vmid);
    const existing = this.readLayout(dir);
    if (existing) {
      if (existing.serverId !== spec.serverId) throw new Error(`container ${name} belongs to another server`);
      return this.describe(name, spec.vmid, existing);
    }
    const template = await ensureTemplate(this.templatesDir, { artifactsUrl: spec.artifactsUrl, publicKey: spec.catalogPublicKey });
    // uid 100000 (container root) mounts the overlay inside its namespace: it must be able to walk here.
    mkdirSync(this.containersDir, { recursive: true, mode: 0o711 });
    mkdirSync(dir, { recursive: true, mode: 0o711 });
    const layout: Layout = {
      vmid: spec.vmid,
      serverId: spec.serverId,
      kind: spec.kind,
      memoryMb: spec.memoryMb,
      hostname: spec.hostname,
      lowerDir: template.lowerDir,
      // The game and SSH listen inside on the same port numbers they are published on outside.
      ports: { game: await freePort(), ssh: await freePort() },
      artifactsUrl: spec.artifactsUrl,
    };
    writeAtomic(path.join(dir, "zlh.json"), JSON.stringify(layout, null, 2));
    log.info({ name, template: template.version }, "container created");
    return this.describe(name, spec.vmid, layout);
  }

  private prepareDirs(dir: string): void {
    const f = this.files(dir);
    // The overlay's root directory takes the upper layer's owner and mode: it is the container's "/".
    for (const [d, mode] of [[f.upper, 0o755], [f.work, 0o700], [f.run, 0o700]] as const) {
      mkdirSync(d, { recursive: true, mode });
      chmodSync(d, mode);
      chownSync(d, ID_SHIFT, ID_SHIFT);
    }
    // Host-owned, bound read-only: the container can use the artifact socket but not replace it.
    mkdirSync(f.host, { recursive: true, mode: 0o755 });
  }

  /** The token for the agent, root-only inside the container; the agent reads and deletes it. */
  private writeToken(file: string, token: string): void {
    rmSync(file, { force: true });
    // O_EXCL + O_NOFOLLOW: whatever the container left at this name, we never write through it.
    const fd = openSync(file, constants.O_WRONLY | constants.O_CREAT | constants.O_EXCL | constants.O_NOFOLLOW, 0o600);
    try {
      writeSync(fd, token);
    } finally {
      closeSync(fd);
    }
    chownSync(file, ID_SHIFT, ID_SHIFT);
  }

  private agentArgs(layout: Layout, opts: StartOptions): string[] {
    return [
      "--socket", `${IN.run}/agent.sock`,
      "--token-file", `${IN.run}/agent.token`,
      "--root", "/",
      "--artifacts", opts.artifactsUrl,
      "--artifacts-socket", `${IN.host}/artifacts.sock`,
      "--ssh-port", String(layout.ports.ssh),
      ...(opts.catalogPublicKey ? ["--catalog-public-key", opts.catalogPublicKey] : []),
      ...(this.opts.agentFlags ?? []),
    ];
  }

  async start(ref: string, opts: StartOptions): Promise<CreatedContainer> {
    const { name, vmid, dir } = this.parseRef(ref);
    const layout = this.readLayout(dir);
    if (!layout) throw new Error(`container ${name} is missing`);
    // Restart so the agent takes the (rotated) token; its state lives on the container's disk.
    if ((await this.lxcStateOrNull(name)) !== "STOPPED") await this.stop(ref);
    const f = this.files(dir);
    const next: Layout = { ...layout, artifactsUrl: opts.artifactsUrl };
    writeAtomic(f.layout, JSON.stringify(next, null, 2));
    this.prepareDirs(dir);
    await ensureNoSymfollowMount(f.run);
    rmSync(f.agentSocket, { force: true });
    this.writeToken(f.tokenFile, opts.agentToken);
    // An unusable store URL is the agent's to refuse (it exits saying so, which diagnostics shows).
    if (URL.canParse(opts.artifactsUrl)) await ensureArtifactsProxy(f.artifactsSocket, opts.artifactsUrl);
    const config = renderLxcConfig({
      name,
      hostname: layout.hostname,
      kind: layout.kind,
      memoryMb: layout.memoryMb,
      cgroup: this.cgroup,
      lowerDir: layout.lowerDir,
      upperDir: f.upper,
      agentDir: this.agentDir,
      nativeModules: agentNativeModules(this.nodeModulesDir),
      runDir: f.run,
      hostDir: f.host,
      consoleLog: f.consoleLog,
      lxcLog: f.lxcLog,
      agentArgs: this.agentArgs(layout, opts),
      logLevel: this.opts.logLevel ?? "info",
    });
    writeAtomic(f.config, config, 0o600);
    if (!existsSync(path.join(this.agentDir, "main.mjs"))) throw new Error(`agent bundle missing in ${this.agentDir}: run \`node scripts/build-agent.mjs\``);
    const busy = removeLeftoverCgroups(name);
    if (busy.length > 0) log.warn({ name, busy }, "cgroups of an earlier run still hold processes; LXC will use new ones beside them");
    try {
      await lxcStart(this.containersDir, name);
    } catch (err) {
      throw new Error(`${(err as Error).message}\n${this.tail(f.lxcLog, 6)}`);
    }
    const pid = await lxcInitPid(this.containersDir, name);
    if (!pid) throw new Error(`container ${name} did not stay up: ${this.tail(f.consoleLog, 5)}`);
    await startSlirp(f.slirp, pid, this.forwards(next));
    log.info({ name, pid }, "container started");
    return this.describe(name, vmid, next);
  }

  private forwards(layout: Layout) {
    const addr = this.publishAddress();
    const ports = layout.kind === "dev" ? [layout.ports.game, layout.ports.ssh] : [layout.ports.game];
    return ports.map((p) => ({ hostAddr: addr, hostPort: p, guestPort: p }));
  }

  private async lxcStateOrNull(name: string): Promise<string | null> {
    if (!existsSync(path.join(this.containersDir, name, "config"))) return null;
    return lxcState(this.containersDir, name).catch(() => null);
  }

  async stop(ref: string, timeoutMs = 30_000): Promise<void> {
    const { name, dir } = this.parseRef(ref);
    const f = this.files(dir);
    if (existsSync(f.config)) await lxcStop(this.containersDir, name, timeoutMs / 1000);
    stopSlirp(f.slirp);
    await closeArtifactsProxy(f.artifactsSocket);
    rmSync(f.agentSocket, { force: true });
    rmSync(f.tokenFile, { force: true });
    // Nothing connects to a stopped container: no host mount outlives it.
    await unmountIfMounted(f.run);
  }

  async state(ref: string): Promise<ContainerState> {
    const { name, dir } = this.parseRef(ref);
    const layout = this.readLayout(dir);
    if (!layout) return "missing";
    const s = await this.lxcStateOrNull(name);
    if (s !== "RUNNING") return "stopped";
    await this.adopt(name, dir, layout);
    return "running";
  }

  /**
   * What a running container needs from the host besides LXC: its slirp4netns (re-attached when it
   * died, e.g. killed with an old portal's process group) and its artifact socket (served by this
   * portal process).
   */
  private async adopt(name: string, dir: string, layout: Layout): Promise<void> {
    const f = this.files(dir);
    if (!slirpPid(f.slirp)) {
      const pid = await lxcInitPid(this.containersDir, name);
      if (pid) {
        await startSlirp(f.slirp, pid, this.forwards(layout));
        log.warn({ name }, "slirp4netns was gone: re-attached");
      }
    }
    if (!artifactsProxyListening(f.artifactsSocket) && URL.canParse(layout.artifactsUrl)) await ensureArtifactsProxy(f.artifactsSocket, layout.artifactsUrl);
  }

  async destroy(ref: string): Promise<void> {
    const { name, dir } = this.parseRef(ref);
    if (!existsSync(dir)) return;
    await this.stop(ref, 15_000).catch((err: unknown) => log.warn({ err, name }, "stop before destroy failed; destroying anyway"));
    // Before lxc-destroy, which removes the container's folder but does not cross into mounts.
    await unmountIfMounted(this.files(dir).run);
    if (existsSync(path.join(dir, "config"))) await lxcDestroy(this.containersDir, name);
    // lxc-destroy removes the config and the overlay's upper layer; the rest is ours.
    rmSync(dir, { recursive: true, force: true });
    log.info({ name }, "container destroyed");
  }

  async gamePortOf(ref: string): Promise<number> {
    const layout = this.readLayout(this.parseRef(ref).dir);
    if (!layout) throw new Error("container is missing");
    return layout.ports.game;
  }

  async diagnostics(ref: string): Promise<string> {
    const f = this.files(this.parseRef(ref).dir);
    // Written by LXC's monitor on the host side, outside anything the container can touch.
    return [this.tail(f.consoleLog, 5), this.tail(f.lxcLog, 2)].filter(Boolean).join("\n").slice(-1500);
  }

  private tail(file: string, lines: number): string {
    try {
      const st = lstatSync(file);
      if (!st.isFile()) return "";
      const fd = openSync(file, constants.O_RDONLY | constants.O_NOFOLLOW);
      try {
        const len = Math.min(st.size, 16 * 1024);
        const buf = Buffer.alloc(len);
        readSync(fd, buf, 0, len, st.size - len);
        return buf.toString("utf8").trim().split("\n").slice(-lines).join("\n");
      } finally {
        closeSync(fd);
      }
    } catch {
      return "";
    }
  }

  /** Container names under our lxcpath with their vmid (for the reconciler's orphan sweep). */
  listVmids(): number[] {
    const re = new RegExp(`^zlh-(\\d+)-${this.tag}$`);
    try {
      return readdirSync(this.containersDir).flatMap((d) => {
        const m = re.exec(d);
        return m ? [Number(m[1])] : [];
      });
    } catch {
      return [];
    }
  }

  /** Host processes of a container: everything in its cgroups (LXC's monitor included) and its slirp4netns. */
  processesOf(vmid: number): number[] {
    const name = this.nameOf(vmid);
    const f = this.files(this.dirOf(vmid));
    const out = listPids().filter((pid) => {
      try {
        return inContainerCgroup(readFileSync(`/proc/${pid}/cgroup`, "utf8"), name);
      } catch {
        return false;
      }
    });
    const slirp = slirpPid(f.slirp);
    if (slirp && isAlive(slirp)) out.push(slirp);
    return out;
  }
}

