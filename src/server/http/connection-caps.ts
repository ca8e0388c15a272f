/**
 * Caps on long-lived connections (console relays, IDE WebSockets) per user and per portal process:
 * one account cannot hold every socket, file descriptor and relay buffer of the process, and the
 * process keeps a ceiling whatever the accounts. acquire() answers null when a cap is reached; the
 * release function it returns is idempotent (close and error may both call it).
 */
export type CapPolicy = { perUser: number; global: number };
export type ConnectionCaps = { acquire(userId: string): (() => void) | null; open(userId?: string): number };

export const CONSOLE_CAPS: CapPolicy = { perUser: 16, global: 1000 };
export const IDE_SOCKET_CAPS: CapPolicy = { perUser: 64, global: 2000 };

export function createConnectionCaps(policy: CapPolicy): ConnectionCaps {
  const byUser = new Map<string, number>();
  let total = 0;
  return {
    acquire(userId) {
      const mine = byUser.get(userId) ?? 0;
      if (mine >= policy.perUser || total >= policy.global) return null;
      byUser.set(userId, mine + 1);
      total++;
      let released = false;
      return () => {
        if (released) return;
        released = true;
        total--;
        const left = (byUser.get(userId) ?? 1) - 1;
        if (left <= 0) byUser.delete(userId);
        else byUser.set(userId, left);
      };
    },
    open: (userId) => (userId === undefined ? total : (byUser.get(userId) ?? 0)),
  };
}
