/** Replaces World#saveNow of prismarine-world's World class (idempotent). */
export function keepLateChunksQueued(World: { prototype: object }): void;
