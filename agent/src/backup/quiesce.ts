import type { ResolvedScope } from "./scope";

/** How long the game gets to confirm a flush before the backup gives up (the game keeps running). */
export const SAVE_TIMEOUT_MS = 120_000;

/** Resolves when the game's console output matches `pattern` after the call (ANSI escapes ignored). */
export function waitForOutput(game: NonNullable<ResolvedScope["game"]>, pattern: RegExp, timeoutMs: number, signal?: AbortSignal): { done: Promise<void>; cancel(): void } {
  let seen = "";
  let off: () => void = () => undefined;
  let timer: NodeJS.Timeout | undefined;
  const done = new Promise<void>((resolve, reject) => {
    off = game.handle.onOutput((chunk) => {
      // Keep the tail only: a line can arrive in pieces, a busy console must not grow this.
      seen = (seen + chunk.toString("utf8")).replace(/\x1b\[[0-9;?]*[A-Za-z]/g, "").slice(-4096);
      if (pattern.test(seen)) {
        cleanup();
        resolve();
      }
    });
    timer = setTimeout(() => {
      cleanup();
      reject(new Error(`the game did not confirm "${pattern.source}" within ${timeoutMs / 1000} s`));
    }, timeoutMs);
    signal?.addEventListener("abort", () => {
      cleanup();
      reject(new Error("aborted"));
    }, { once: true });
  });
  const cleanup = () => {
    off();
    clearTimeout(timer);
  };
  return { done, cancel: cleanup };
}

const isRunning = (game: NonNullable<ResolvedScope["game"]>) => game.handle.supervisor.status().state === "running";

/** Tells the players something; a stopped game or a failing console never fails a backup. */
export function tellPlayers(scope: ResolvedScope, message: string): void {
  if (!scope.game || !isRunning(scope.game)) return;
  try {
    scope.game.handle.supervisor.command(`${scope.game.spec.say} ${message}`);
  } catch {
    // the game stopped meanwhile
  }
}

/**
 * Runs `snapshot` with the world consistent on disk. A running game gets save-off, save-all (and
 * the wait for its confirmation), then the snapshot, then save-on whatever happened; a stopped game
 * needs nothing. Returns how consistency was reached (recorded in the manifest).
 */
export async function withWorldQuiesced(scope: ResolvedScope, signal: AbortSignal, snapshot: () => Promise<void>): Promise<string> {
  const game = scope.game;
  if (!game) {
    await snapshot();
    return "copy";
  }
  if (!isRunning(game)) {
    await snapshot();
    return "game stopped";
  }
  const { supervisor } = game.handle;
  supervisor.command(game.spec.saveOff);
  try {
    const saved = waitForOutput(game, game.spec.savedPattern, SAVE_TIMEOUT_MS, signal);
    supervisor.command(game.spec.saveAll);
    await saved.done;
    await snapshot();
  } finally {
    try {
      supervisor.command(game.spec.saveOn);
    } catch {
      // the game stopped meanwhile: it saves on its next start
    }
  }
  return `${game.spec.saveOff}/${game.spec.saveAll}`;
}
