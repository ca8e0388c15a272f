import type { CrashClassification } from "../contract/game";

/**
 * Crash classification from the exit and the last lines of the log. Pure; order matters: memory
 * exhaustion beats everything (it causes secondary stack traces), a missing class or mod beats a
 * generic mod error (the missing dependency is the cause), and only then the exit status decides.
 */
export type ExitInfo = {
  exitCode: number | null;
  signal: string | null;
  /** Log lines of the run, oldest first, ANSI already stripped. */
  logTail: string[];
  /** The container's memory cgroup counted an OOM kill during the run. */
  oomKilled?: boolean;
  /** The container's memory limit, when it has one (named in the reason of a cgroup OOM kill). */
  memoryLimitBytes?: number | null;
};

/** 1073741824 -> "1 GiB", 805306368 -> "768 MiB". */
export function formatLimit(bytes: number): string {
  if (bytes >= 1024 ** 3) return `${Math.round((bytes / 1024 ** 3) * 10) / 10} GiB`;
  return `${Math.round(bytes / 1024 ** 2)} MiB`;
}

export type Classification = { classification: CrashClassification; reason: string };

const OOM_LINES: RegExp[] = [
  /java\.lang\.OutOfMemoryError/,
  /JavaScript heap out of memory/,
  /FATAL ERROR: .*(Allocation failed|heap limit)/,
  /Out of memory: Kill(ed)? process/i,
  /oom[-_ ]kill/i,
  /Cannot allocate memory/,
];

/** Printed by a shell when its child died of SIGKILL, or by the kernel log relay. */
const KILLED_LINE = /(^|:\s+|\d\s+)Killed(\s|$)/;

const MISSING_DEPENDENCY: RegExp[] = [
  /java\.lang\.ClassNotFoundException/,
  /java\.lang\.NoClassDefFoundError/,
  /NoSuchMethodError/,
  /UnknownDependencyException/,
  /Unknown\/missing dependency plugins/i,
  /Missing or unsupported mandatory dependencies/i,
  /Mod .* requires .*(which is missing|that is missing|any version)/i,
  /requires (mod|version) .+ (of|which is) .*missing/i,
  /\brequires (the )?mod\b/i,
  /Incompatible mods? (set|found)/i,
  /missing dependenc(y|ies)/i,
  /Cannot find module ['"]/,
  /ERR_MODULE_NOT_FOUND/,
];

const MOD_OR_PLUGIN: RegExp[] = [
  /Error occurred while enabling .+ \(Is it up to date\?\)/,
  /Could not load '.*' in folder '(plugins|mods)'/,
  /org\.bukkit\.plugin\.(InvalidPluginException|InvalidDescriptionException)/,
  /org\.bukkit\.event\.EventException/,
  /net\.minecraftforge\.fml\.(ModLoadingException|LoadingFailedException)/,
  /Mod .* has failed to load correctly/i,
  /Failed to (load|enable|initialize) (mod|plugin)/i,
  /net\.fabricmc\.loader\.impl\.FormattedException/,
  /Could not execute entrypoint stage .* provided by '/,
  /Mixin (apply|transformation) .*failed/i,
  /\[zlh-launcher\] plugin .* (failed|threw)/,
];

const FAULT_SIGNALS = new Set(["SIGSEGV", "SIGABRT", "SIGBUS", "SIGILL", "SIGFPE"]);

function firstMatch(lines: string[], patterns: RegExp[]): string | null {
  for (const line of lines) if (patterns.some((p) => p.test(line))) return line.trim();
  return null;
}

export function classifyCrash(exit: ExitInfo): Classification {
  const lines = exit.logTail;
  const oomLine = firstMatch(lines, OOM_LINES);
  if (oomLine) return { classification: "oom", reason: oomLine };
  if (exit.oomKilled) {
    const limit = exit.memoryLimitBytes ? ` at the container's memory limit of ${formatLimit(exit.memoryLimitBytes)}` : "";
    return { classification: "oom", reason: `the kernel's OOM killer stopped the game${limit} (the memory cgroup counted an OOM kill)` };
  }
  const killedBySigkill = exit.signal === "SIGKILL" || exit.exitCode === 137;
  const killedLine = lines.find((l) => KILLED_LINE.test(l.trim()));
  if (exit.exitCode === 137) return { classification: "oom", reason: "exit code 137: killed by SIGKILL, as the kernel's OOM killer does" };
  if (killedBySigkill && killedLine) return { classification: "oom", reason: `killed by SIGKILL: ${killedLine.trim()}` };

  const missing = firstMatch(lines, MISSING_DEPENDENCY);
  if (missing) return { classification: "missing_dependency", reason: missing };
  const mod = firstMatch(lines, MOD_OR_PLUGIN);
  if (mod) return { classification: "mod_or_plugin_error", reason: mod };

  if (exit.signal) {
    // A fault signal is the program failing; any other signal came from outside, unasked.
    if (FAULT_SIGNALS.has(exit.signal)) return { classification: "nonzero_exit", reason: `died of ${exit.signal}` };
    return { classification: "unexpected_exit", reason: `killed by ${exit.signal}` };
  }
  if (exit.exitCode !== null && exit.exitCode !== 0) return { classification: "nonzero_exit", reason: `exit code ${exit.exitCode}` };
  return { classification: "unexpected_exit", reason: "exited cleanly without a stop request" };
}
