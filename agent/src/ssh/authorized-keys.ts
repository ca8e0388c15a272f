import { chmod, mkdir, readFile } from "node:fs/promises";
import path from "node:path";
import { z } from "zod";
import { writeFileAtomic } from "../fs/atomic";
import { authorizedKeySchema, type AuthorizedKey, type AuthorizedKeysPut } from "../contract/ssh";
import { usableKey, type UsableKey } from "./keys";

const storedSchema = z.object({ revision: z.number().int().nonnegative(), keys: z.array(authorizedKeySchema) });

/**
 * The owner's current keys: kept in memory for every login attempt and on disk (0600, atomic) so
 * an agent restart keeps them. Pushes carry a revision; an older one than the stored list is ignored.
 */
export class AuthorizedKeyStore {
  private revision = 0;
  private keys: UsableKey[] = [];
  /** Pushes apply one at a time: the revision check and the write must not interleave. */
  private chain: Promise<unknown> = Promise.resolve();

  constructor(private readonly file: string) {}

  async load(): Promise<void> {
    const text = await readFile(this.file, "utf8").catch(() => null);
    if (text === null) return;
    const parsed = storedSchema.safeParse(JSON.parse(text));
    if (!parsed.success) throw new Error(`${this.file} is not a valid authorized keys file`);
    this.set(parsed.data.revision, parsed.data.keys);
  }

  private set(revision: number, keys: AuthorizedKey[]): void {
    this.revision = revision;
    this.keys = keys.map(usableKey).filter((k): k is UsableKey => k !== null);
  }

  /** Applies a push; returns the keys it rejected (malformed, unsupported, wrong fingerprint) or null when it was stale. */
  replace(put: AuthorizedKeysPut): Promise<{ rejected: string[] } | null> {
    const run = this.chain.then(() => this.apply(put));
    this.chain = run.catch(() => {});
    return run;
  }

  private async apply(put: AuthorizedKeysPut): Promise<{ rejected: string[] } | null> {
    if (put.revision < this.revision) return null;
    const rejected = put.keys.filter((k) => !usableKey(k)).map((k) => k.fingerprint);
    await mkdir(path.dirname(this.file), { recursive: true, mode: 0o700 });
    await writeFileAtomic(this.file, JSON.stringify({ revision: put.revision, keys: put.keys }), 0o600);
    await chmod(this.file, 0o600);
    this.set(put.revision, put.keys);
    return { rejected };
  }

  current(): readonly UsableKey[] {
    return this.keys;
  }

  has(fingerprint: string): boolean {
    return this.keys.some((k) => k.fingerprint === fingerprint);
  }

  get currentRevision(): number {
    return this.revision;
  }
}
