import { describe, expect, it } from "vitest";
import { progressMessage, shouldRecordProgress } from "./events";

describe("progress throttling", () => {
  const p = { step: "runtime", phase: "download" as const, bytesDone: 10, bytesTotal: 100 };
  it("records the first update, phase changes, and bytes at most once per interval", () => {
    expect(shouldRecordProgress(undefined, p, 0)).toBe(true);
    expect(shouldRecordProgress({ p, at: 0 }, { ...p, bytesDone: 20 }, 500)).toBe(false);
    expect(shouldRecordProgress({ p, at: 0 }, { ...p, bytesDone: 20 }, 1000)).toBe(true);
    expect(shouldRecordProgress({ p, at: 0 }, { ...p, phase: "extract" }, 1)).toBe(true);
    expect(shouldRecordProgress({ p, at: 0 }, { ...p, step: "code-server" }, 1)).toBe(true);
  });
  it("describes progress for the timeline", () => {
    expect(progressMessage(p)).toBe("runtime: download 10%");
    expect(progressMessage({ step: "game", phase: "start", message: "launching" })).toBe("game: start (launching)");
  });
});
