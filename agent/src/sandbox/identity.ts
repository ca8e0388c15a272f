/**
 * Who a tenant process runs as inside a real container, and the command line that drops to it.
 * Pure: the passwd and group texts come from the caller.
 */
export type RunAs = {
  name: string;
  uid: number;
  gid: number;
  /** Supplementary groups (the primary gid included), from /etc/group. */
  groups: number[];
  home: string;
};

export type PasswdEntry = { uid: number; gid: number; home: string; shell: string };

/** The passwd entry of `name` (exact match), or null. */
export function parsePasswdEntry(passwd: string, name: string): PasswdEntry | null {
  for (const line of passwd.split("\n")) {
    const f = line.split(":");
    if (f[0] !== name || f.length < 7) continue;
    const uid = Number(f[2]);
    const gid = Number(f[3]);
    if (!Number.isInteger(uid) || !Number.isInteger(gid) || f[2] === "" || f[3] === "") return null;
    return { uid, gid, home: f[5]!, shell: f[6]! };
  }
  return null;
}

/** The primary gid followed by every group of /etc/group that lists `name` as a member. */
export function supplementaryGroups(group: string, name: string, primaryGid: number): number[] {
  const out = [primaryGid];
  for (const line of group.split("\n")) {
    const f = line.split(":");
    if (f.length < 4) continue;
    const gid = Number(f[2]);
    if (f[2] === "" || !Number.isInteger(gid) || out.includes(gid)) continue;
    if (f[3]!.split(",").map((m) => m.trim()).includes(name)) out.push(gid);
  }
  return out;
}

export function runAsFrom(passwd: string, group: string, name: string): RunAs | null {
  const e = parsePasswdEntry(passwd, name);
  if (!e) return null;
  return { name, uid: e.uid, gid: e.gid, groups: supplementaryGroups(group, name, e.gid), home: e.home };
}

/**
 * `argv` run as `runAs` through util-linux setpriv: real and effective uid and gid, exactly the
 * user's groups (node-pty's own uid option keeps root's supplementary groups), no capabilities left
 * in any set, and no-new-privs so a setuid binary cannot climb back. With `runAs` null (the
 * unisolated provider, one account) the command runs as the agent itself.
 */
export function runAsArgv(runAs: RunAs | null, argv: readonly string[], setpriv = "/usr/bin/setpriv"): string[] {
  if (!runAs) return [...argv];
  if (runAs.uid === 0 || runAs.gid === 0 || runAs.groups.includes(0)) throw new Error(`refusing to run a tenant process as root (${runAs.name})`);
  return [
    setpriv,
    `--reuid=${runAs.uid}`,
    `--regid=${runAs.gid}`,
    runAs.groups.length ? `--groups=${runAs.groups.join(",")}` : "--clear-groups",
    "--inh-caps=-all",
    "--bounding-set=-all",
    "--no-new-privs",
    "--",
    ...argv,
  ];
}
