/** Single-quotes a value for POSIX sh. */
export function shQuote(v: string): string {
  return `'${v.replace(/'/g, `'\\''`)}'`;
}

export type ProfileInput = {
  path: string;
  workspace: string;
  runtimes: { name: string; version: string }[];
};

/**
 * The one shell profile (~/.zlh_profile) that login shells (.profile) and interactive shells
 * (.bashrc) both source. Only absolute assignments, so sourcing it twice changes nothing.
 */
export function renderProfile(p: ProfileInput): string {
  const lines = [
    "# Managed by the ZeroLagHub agent: rewritten whenever runtimes change; edits here are lost.",
    `# Runtimes: ${p.runtimes.length ? p.runtimes.map((r) => `${r.name} ${r.version}`).join(", ") : "none"}`,
    `export PATH=${shQuote(p.path)}`,
    `export ZLH_WORKSPACE=${shQuote(p.workspace)}`,
    ...p.runtimes.map((r) => `export ZLH_RUNTIME_${r.name.toUpperCase().replace(/-/g, "_")}=${shQuote(r.version)}`),
    'if [ -z "${TERM:-}" ] || [ "$TERM" = dumb ]; then export TERM=xterm-256color; fi',
    "",
  ];
  return lines.join("\n");
}

const MARK = "# zlh-profile";

export const sourceLine = (profileFile: string) => `[ -r ${shQuote(profileFile)} ] && . ${shQuote(profileFile)} ${MARK}`;

/**
 * Puts the source line at the top of a startup file (.profile, .bashrc) unless it is already there.
 * Top, not bottom: Debian's .bashrc returns early for non-interactive shells.
 */
export function withSourceLine(content: string, profileFile: string): string {
  const line = sourceLine(profileFile);
  const rest = content.split("\n").filter((l) => !l.endsWith(MARK));
  const body = rest.join("\n");
  return body.length ? `${line}\n${body}` : `${line}\n`;
}
