/**
 * Backpressure policy for a console with several viewers: the source is paused while any viewer's
 * socket holds more than `high` unsent bytes, and resumed only once every viewer is at or below
 * `low` (hysteresis, so a viewer hovering near one mark does not flap the PTY).
 */
export type FlowMarks = { high: number; low: number };

export function nextFlowState(paused: boolean, buffered: readonly number[], marks: FlowMarks): boolean {
  if (!paused) return buffered.some((b) => b > marks.high);
  return !buffered.every((b) => b <= marks.low);
}
