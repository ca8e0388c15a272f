import { describe, expect, it } from "vitest";
import { gameLineEvent, PlayerSet } from "./game-lines";

describe("game console lines", () => {
  it("recognizes joins, leaves and lag in vanilla-family and flying-squid output", () => {
    expect(gameLineEvent("[12:00:01] [Server thread/INFO]: Steve joined the game")).toEqual({ type: "join", player: "Steve" });
    expect(gameLineEvent("[12:00:09] [Server thread/INFO]: Steve left the game")).toEqual({ type: "leave", player: "Steve" });
    expect(gameLineEvent("[INFO]: bot_1 (127.0.0.1) connected")).toEqual({ type: "join", player: "bot_1" });
    expect(gameLineEvent("bot_1 disconnected")).toEqual({ type: "leave", player: "bot_1" });
    expect(gameLineEvent("[12:00:02] [Server thread/WARN]: Can't keep up! Is the server overloaded? Running 2034ms or 40 ticks behind")).toEqual({ type: "lag", ms: 2034 });
  });

  it("ignores chat that merely mentions the phrases", () => {
    expect(gameLineEvent("[12:00:03] [Server thread/INFO]: <Alex> Steve joined the game lol")).toBeNull();
    expect(gameLineEvent("[Server thread/INFO]: <Alex> hi")).toBeNull();
    expect(gameLineEvent("a-very-long-name-that-is-not-valid joined the game")).toBeNull();
  });

  it("counts each player once while online", () => {
    const p = new PlayerSet();
    for (const l of ["A joined the game", "B joined the game", "A joined the game", "A left the game", "C left the game"]) {
      const ev = gameLineEvent(l);
      if (ev) p.apply(ev);
    }
    expect(p.online).toBe(1);
    p.clear();
    expect(p.online).toBe(0);
  });
});
