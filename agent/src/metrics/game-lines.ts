/**
 * What a game's console lines say about players and lag, for /metrics and the portal's history.
 * Pure. Vanilla-family servers (vanilla, Paper, Fabric, Forge) print "<name> joined the game" /
 * "<name> left the game" and "Can't keep up! ... Running Nms or M ticks behind"; flying-squid
 * prints "<name> (<address>) connected" / "<name> disconnected".
 */
export type GameLineEvent = { type: "join" | "leave"; player: string } | { type: "lag"; ms: number };

const NAME = "([A-Za-z0-9_]{1,16})";
const PREFIX = "(?:^|[\\]:]\\s*)";
const JOIN = [new RegExp(`${PREFIX}${NAME} joined the game\\s*$`), new RegExp(`${PREFIX}${NAME} \\([^)]*\\) connected\\s*$`)];
const LEAVE = [new RegExp(`${PREFIX}${NAME} left the game\\s*$`), new RegExp(`${PREFIX}${NAME} disconnected\\s*$`)];
const LAG = /Can't keep up!.*Running (\d+)ms or \d+ ticks behind/;

export function gameLineEvent(line: string): GameLineEvent | null {
  for (const re of JOIN) {
    const m = re.exec(line);
    if (m) return { type: "join", player: m[1]! };
  }
  for (const re of LEAVE) {
    const m = re.exec(line);
    if (m) return { type: "leave", player: m[1]! };
  }
  const lag = LAG.exec(line);
  return lag ? { type: "lag", ms: Number(lag[1]) } : null;
}

/** Players online in one run of the game: names seen joining and not yet leaving. */
export class PlayerSet {
  private names = new Set<string>();
  private static readonly MAX = 10_000;

  apply(ev: GameLineEvent): void {
    if (ev.type === "join" && this.names.size < PlayerSet.MAX) this.names.add(ev.player);
    else if (ev.type === "leave") this.names.delete(ev.player);
  }

  get online(): number {
    return this.names.size;
  }

  /** A new game process starts with nobody online. */
  clear(): void {
    this.names.clear();
  }
}
