import { readFile } from "node:fs/promises";
import { z } from "zod";
import { crashRecordSchema, type CrashRecord } from "../contract/game";
import { writeFileAtomic } from "../fs/atomic";

export const MAX_CRASH_RECORDS = 50;

/** Crash records on disk (newest first, the last 50), rewritten atomically on every crash. */
export class CrashStore {
  private records: CrashRecord[] = [];
  private writing: Promise<void> = Promise.resolve();

  constructor(private readonly file: string) {}

  async load(): Promise<void> {
    try {
      const parsed = z.array(crashRecordSchema).safeParse(JSON.parse(await readFile(this.file, "utf8")));
      this.records = parsed.success ? parsed.data.slice(0, MAX_CRASH_RECORDS) : [];
    } catch {
      this.records = [];
    }
  }

  list(): CrashRecord[] {
    return [...this.records];
  }

  latest(): CrashRecord | null {
    return this.records[0] ?? null;
  }

  add(record: CrashRecord): Promise<void> {
    this.records = [record, ...this.records].slice(0, MAX_CRASH_RECORDS);
    const snapshot = JSON.stringify(this.records, null, 1);
    this.writing = this.writing.then(() => writeFileAtomic(this.file, snapshot, 0o600));
    return this.writing;
  }
}
