/**
 * The hostile tenant's attempts, exactly as a tenant would type them. Each is a bash script that
 * ends by printing one line `@@<id>=<verdict>`: `blocked` is the only passing verdict; anything
 * else names what got through. The same scripts run from a dev shell (console PTY through the
 * agent), an SSH session (the real OpenSSH client) and a game plugin (flying-squid requires it as
 * the game user), so each channel is held to the same list.
 */
export type AttemptContext = {
  /** A value only the portal's own environment and secrets file hold. */
  canary: string;
  /** Host paths of the portal's secrets file and PostgreSQL data folder. */
  secretsPath: string;
  pgDataDir: string;
  pgPort: number;
  /** Ports the portal (and its artifact store) listen on, on the host's loopback. */
  portalPorts: number[];
  /** The host's own non-loopback addresses (a listener on 0.0.0.0 would answer there). */
  hostAddrs: string[];
  /**
   * Addresses that mean "the host" only from inside a container (slirp4netns's 10.0.2.2). Empty
   * when the program runs on the host itself: there they would be traffic to another machine.
   */
  hostAliases: string[];
  /** The other tenant: its container folder on the host, agent socket, published ports, a process. */
  otherDir: string;
  otherAgentSocket: string;
  otherPorts: number[];
  otherMarker: string;
  otherHostPid: number;
  /** A host path no tenant may create. */
  hostWritePath: string;
};

export type Attempt = { id: string; what: string; script: (c: AttemptContext) => string };

const q = (s: string) => `'${s.replace(/'/g, `'\\''`)}'`;
/** A TCP connect that gives up after 3 s (slirp4netns may drop instead of refusing). */
const tcp = (host: string, port: number | string) => `timeout 3 bash -c "exec 3<>/dev/tcp/${host}/${port}" 2>/dev/null`;

export const attempts: Attempt[] = [
  {
    id: "identity",
    what: "runs as an unprivileged user: not uid 0 inside, not host root or the portal's user outside, no new privileges",
    script: () => `echo "@@identity=uid$(id -u)-map$(awk 'NR==1{print $2}' /proc/self/uid_map)-$(awk '/^NoNewPrivs/{print "nnp" $2}' /proc/self/status)"`,
  },
  {
    id: "environ",
    what: "read the portal's secrets from every process's environment (/proc/*/environ)",
    script: (c) =>
      `n=$(cat /proc/[0-9]*/environ 2>/dev/null | tr '\\0' '\\n' | grep -c -e ${q(c.canary)} -e '^NEXTAUTH_SECRET=' -e '^DATABASE_URL=' -e '^ZLH_SECRET_KEY=' -e '^STRIPE_SECRET_KEY=' -e '^ZLH_AGENT_TOKEN='); [ "$n" = 0 ] && echo @@environ=blocked || echo "@@environ=leak-$n"`,
  },
  {
    id: "secrets-file",
    what: "find .data/secrets.json (NEXTAUTH_SECRET) anywhere, and open the portal's by its host path",
    script: (c) =>
      `f=$(find / -maxdepth 8 \\( -path /proc -o -path /sys \\) -prune -o -name secrets.json -print 2>/dev/null | xargs -r grep -l -e NEXTAUTH_SECRET -e ${q(c.canary)} 2>/dev/null | wc -l); d=$(cat ${q(c.secretsPath)} 2>/dev/null | grep -c ${q(c.canary)}); [ "$f-$d" = "0-0" ] && echo @@secrets-file=blocked || echo "@@secrets-file=found-$f-$d"`,
  },
  {
    id: "pg-data",
    what: "read the PostgreSQL data folder",
    script: (c) => `if ls ${q(c.pgDataDir)} >/dev/null 2>&1 || cat ${q(c.pgDataDir + "/PG_VERSION")} >/dev/null 2>&1; then echo @@pg-data=visible; else echo @@pg-data=blocked; fi`,
  },
  {
    id: "other-files",
    what: "see another container's files (its host folder, or its marker file anywhere on this filesystem)",
    script: (c) =>
      `n=$(find / -xdev -name ${q(c.otherMarker + "*")} 2>/dev/null | wc -l); ls ${q(c.otherDir)} >/dev/null 2>&1 && n=$((n+100)); [ "$n" = 0 ] && echo @@other-files=blocked || echo "@@other-files=found-$n"`,
  },
  {
    id: "pg-connect",
    what: "connect to the portal's PostgreSQL (loopback, slirp's host alias, the host's addresses)",
    script: (c) => `r=blocked; for h in 127.0.0.1 ${[...c.hostAliases, ...c.hostAddrs].join(" ")}; do ${tcp("$h", c.pgPort)} && r="open-$h"; done; echo "@@pg-connect=$r"`,
  },
  {
    id: "portal-ports",
    what: "connect to the portal's internal ports (its loopback listeners) through every address",
    script: (c) =>
      `r=blocked; for p in ${c.portalPorts.join(" ")}; do for h in 127.0.0.1 ${[...c.hostAliases, ...c.hostAddrs].join(" ")}; do ${tcp("$h", "$p")} && r="open-$h:$p"; done; done; echo "@@portal-ports=$r"`,
  },
  {
    id: "other-agent",
    what: "reach another container's agent socket, its published ports and a code-server port",
    script: (c) =>
      `r=blocked; ls -l ${q(c.otherAgentSocket)} >/dev/null 2>&1 && r=socket-visible; for p in ${[...c.otherPorts, 6000].join(" ")}; do for h in ${[...c.hostAliases, ...c.hostAddrs].join(" ")}; do ${tcp("$h", "$p")} && r="open-$h:$p"; done; done; ${tcp("127.0.0.1", 6000)} && r=codeserver-loopback; echo "@@other-agent=$r"`,
  },
  {
    id: "signal",
    what: "signal or ptrace-inspect another tenant's process (by its host pid, and by looking for it in /proc)",
    script: (c) =>
      // The bracket in the pattern keeps grep from finding the marker in its own command line.
      `r=blocked; n=$(cat /proc/[0-9]*/cmdline 2>/dev/null | tr '\\0' ' ' | grep -o ${q(`[${c.otherMarker[0]}]${c.otherMarker.slice(1)}`)} | wc -l); [ "$n" != 0 ] && r="visible-$n"; cat /proc/${c.otherHostPid}/environ 2>/dev/null | grep -q ${q(c.otherMarker)} && r=environ-read; ls /proc/${c.otherHostPid}/root/home/dev/workspace 2>/dev/null | grep -q ${q(c.otherMarker)} && r=root-visible; kill -0 ${c.otherHostPid} 2>/dev/null && grep -q ${q(c.otherMarker)} /proc/${c.otherHostPid}/cmdline 2>/dev/null && r=signalable; echo "@@signal=$r"`,
  },
  {
    id: "write-outside",
    what: "write outside the container's root (a host path, the read-only agent bundle, the host-side run and artifact folders)",
    script: (c) =>
      `r=blocked; mkdir -p ${q(c.hostWritePath.replace(/\/[^/]+$/, ""))} 2>/dev/null; echo pwned > ${q(c.hostWritePath)} 2>/dev/null; touch /usr/local/lib/zlh/agent/pwned 2>/dev/null && r=agent-bundle; touch /run/zlh/pwned 2>/dev/null && r=run-dir; touch /run/zlh-host/pwned 2>/dev/null && r=host-dir; echo "@@write-outside=$r"`,
  },
  {
    id: "mount",
    what: "mount a filesystem, bind-mount the root, remount the agent bundle read-write",
    script: () =>
      `r=blocked; mkdir -p /tmp/m 2>/dev/null; mount -t tmpfs none /tmp/m 2>/dev/null && r=tmpfs; mount --bind / /tmp/m 2>/dev/null && r=bind; mount -o remount,rw /usr/local/lib/zlh/agent 2>/dev/null && r=remount; echo "@@mount=$r"`,
  },
  {
    id: "cgroup",
    what: "raise its own memory and pids limits (cgroup v1 and v2 files)",
    script: () =>
      `r=blocked; for f in /sys/fs/cgroup/memory/memory.limit_in_bytes /sys/fs/cgroup/memory.max; do [ -e $f ] && { echo 99999999999 > $f; } 2>/dev/null && r="raised-$f"; done; for f in /sys/fs/cgroup/pids/pids.max /sys/fs/cgroup/pids.max; do [ -e $f ] && { echo max > $f; } 2>/dev/null && r="raised-$f"; done; echo "@@cgroup=$r"`,
  },
];

const body = (c: AttemptContext, list: Attempt[]) => list.map((a) => `{ ${a.script(c)}; } 2>/dev/null`).join("\n") + "\necho @@end=done\n";

/** One bash program running every attempt, safe to pass as one argument: base64 through bash. */
export function program(c: AttemptContext, list: Attempt[] = attempts): string {
  return `echo ${Buffer.from(body(c, list)).toString("base64")} | base64 -d | bash`;
}

/**
 * The same program as terminal lines: a PTY's line discipline holds at most 4096 bytes per line,
 * so the base64 goes into a file in pieces (each line acknowledged by `ack-<n>-1`), then runs.
 */
export function typedProgram(c: AttemptContext, file: string, list: Attempt[] = attempts): { lines: { text: string; ack: RegExp }[]; run: string } {
  const b64 = Buffer.from(body(c, list)).toString("base64");
  const lines: { text: string; ack: RegExp }[] = [{ text: `: > ${file} && echo ack-0-$((0+1))`, ack: /ack-0-1/ }];
  for (let i = 0, n = 1; i < b64.length; i += 1000, n++) lines.push({ text: `echo ${b64.slice(i, i + 1000)} >> ${file} && echo ack-${n}-$((0+1))`, ack: new RegExp(`ack-${n}-1`) });
  return { lines, run: `base64 -d ${file} | bash` };
}

/** The verdicts printed by a run of program(): id -> verdict (only `@@id=value` lines). */
export function verdicts(output: string): Map<string, string> {
  const out = new Map<string, string>();
  for (const m of output.matchAll(/@@([a-z-]+)=([^\s]+)/g)) out.set(m[1]!, m[2]!);
  return out;
}
