import type { ArchiveEntry } from "./entry-guard";

const BLOCK = 512;

/**
 * A streaming tar header reader (ustar, GNU long names, pax extended headers). It reads the same
 * uncompressed bytes the system tar extracts, skipping file data without copying, so the agent can
 * vet every member while tar does the writing. Anything it cannot interpret the way GNU tar would is
 * an error rather than a guess.
 */
export class TarHeaderReader {
  private pending: Buffer[] = [];
  private pendingLen = 0;
  private skip = 0; // data bytes (plus padding) still to pass over
  private collect: { kind: "x" | "L" | "K"; size: number; chunks: Buffer[]; got: number } | null = null;
  private pax: Record<string, string> = {};
  private longName?: string;
  private longLink?: string;
  private ended = false;
  private dataLeft = 0; // bytes of the current member's data (not padding) still to pass

  /** `onData`, when given, receives each member's data bytes (backups hash files as they stream). */
  constructor(
    private onEntry: (e: ArchiveEntry) => void,
    private onData?: (chunk: Buffer) => void,
  ) {}

  get finished(): boolean {
    return this.ended;
  }

  push(chunk: Buffer): void {
    let off = 0;
    while (off < chunk.length && !this.ended) {
      if (this.skip > 0) {
        const n = Math.min(this.skip, chunk.length - off);
        if (this.collect) this.collectData(chunk.subarray(off, off + n));
        else if (this.dataLeft > 0 && this.onData) {
          const d = Math.min(n, this.dataLeft);
          this.onData(chunk.subarray(off, off + d));
          this.dataLeft -= d;
        }
        this.skip -= n;
        off += n;
        if (this.skip === 0 && this.collect) this.finishCollect();
        continue;
      }
      const need = BLOCK - this.pendingLen;
      const take = Math.min(need, chunk.length - off);
      this.pending.push(chunk.subarray(off, off + take));
      this.pendingLen += take;
      off += take;
      if (this.pendingLen === BLOCK) {
        const header = this.pending.length === 1 ? this.pending[0]! : Buffer.concat(this.pending);
        this.pending = [];
        this.pendingLen = 0;
        this.header(header);
      }
    }
  }

  /** Call at end of stream: the archive must have ended cleanly. */
  end(): void {
    if (this.ended) return;
    if (this.skip > 0 || this.pendingLen > 0 || this.collect) throw new Error("truncated tar archive");
    // A stream that simply stops after a full member is what GNU tar accepts with a warning; so do we.
    this.ended = true;
  }

  private collectData(buf: Buffer): void {
    const c = this.collect!;
    const want = c.size - c.got;
    if (want > 0) {
      const part = buf.subarray(0, Math.min(want, buf.length));
      c.chunks.push(Buffer.from(part));
      c.got += part.length;
    }
  }

  private finishCollect(): void {
    const c = this.collect!;
    this.collect = null;
    const data = Buffer.concat(c.chunks);
    if (c.kind === "L") this.longName = cString(data);
    else if (c.kind === "K") this.longLink = cString(data);
    else this.pax = { ...this.pax, ...parsePax(data) };
  }

  private header(h: Buffer): void {
    if (isZero(h)) {
      this.ended = true;
      return;
    }
    if (!checksumOk(h)) throw new Error("corrupt tar header (checksum mismatch)");
    const flag = String.fromCharCode(h[156]!) === "\0" ? "0" : String.fromCharCode(h[156]!);
    let size = parseNumeric(h.subarray(124, 136));
    if (flag === "x" || flag === "L" || flag === "K") {
      if (size > 1024 * 1024) throw new Error("tar extended header too large");
      this.collect = { kind: flag, size, chunks: [], got: 0 };
      this.skip = padded(size);
      if (this.skip === 0) this.finishCollect();
      return;
    }
    if (flag === "g") {
      // Global pax headers may only carry harmless keys; a global path or size would shift every member.
      throw new Error("tar global extended headers are not supported");
    }
    const magic = h.subarray(257, 263).toString("latin1");
    let name = cString(h.subarray(0, 100));
    if (magic === "ustar\0") {
      const prefix = cString(h.subarray(345, 500));
      if (prefix) name = `${prefix}/${name}`;
    }
    let linkpath = cString(h.subarray(157, 257));
    if (this.longName !== undefined) name = this.longName;
    if (this.longLink !== undefined) linkpath = this.longLink;
    if (this.pax.path !== undefined) name = this.pax.path;
    if (this.pax.linkpath !== undefined) linkpath = this.pax.linkpath;
    if (this.pax.size !== undefined) {
      if (!/^\d+$/.test(this.pax.size)) throw new Error("bad pax size");
      size = Number(this.pax.size);
    }
    this.pax = {};
    this.longName = undefined;
    this.longLink = undefined;
    const type: ArchiveEntry["type"] =
      flag === "0" || flag === "7" ? "file" : flag === "5" ? "dir" : flag === "2" ? "symlink" : flag === "1" ? "hardlink" : "other";
    if (type !== "file" && type !== "other" && size !== 0) throw new Error(`tar member ${JSON.stringify(name)} of type ${flag} carries data`);
    const mode = parseNumeric(h.subarray(100, 108));
    this.onEntry({ path: name, type, typeFlag: flag, linkpath: linkpath || undefined, mode, size });
    this.skip = padded(size);
    this.dataLeft = size;
  }
}

const padded = (n: number) => Math.ceil(n / BLOCK) * BLOCK;

function isZero(b: Buffer): boolean {
  for (let i = 0; i < b.length; i++) if (b[i] !== 0) return false;
  return true;
}

function cString(b: Buffer): string {
  const nul = b.indexOf(0);
  return b.subarray(0, nul === -1 ? b.length : nul).toString("utf8");
}

/** Octal (space/NUL padded) or GNU base-256 (high bit set) numeric fields. */
export function parseNumeric(b: Buffer): number {
  if (b[0]! & 0x80) {
    if (b[0]! & 0x40) throw new Error("negative tar numeric field");
    let v = b[0]! & 0x3f;
    for (let i = 1; i < b.length; i++) v = v * 256 + b[i]!;
    if (!Number.isSafeInteger(v)) throw new Error("tar numeric field too large");
    return v;
  }
  const s = b.toString("latin1").replace(/[\0 ]+$/g, "").replace(/^[ ]+/, "");
  if (s === "") return 0;
  if (!/^[0-7]+$/.test(s)) throw new Error(`bad tar numeric field ${JSON.stringify(s)}`);
  return parseInt(s, 8);
}

function checksumOk(h: Buffer): boolean {
  let sum = 0;
  for (let i = 0; i < BLOCK; i++) sum += i >= 148 && i < 156 ? 32 : h[i]!;
  return parseNumeric(h.subarray(148, 156)) === sum;
}

/** pax records: "<len> <key>=<value>\n". */
export function parsePax(data: Buffer): Record<string, string> {
  const out: Record<string, string> = {};
  let off = 0;
  while (off < data.length) {
    if (data[off] === 0) break;
    const sp = data.indexOf(0x20, off);
    if (sp === -1) throw new Error("bad pax record");
    const len = Number(data.subarray(off, sp).toString("latin1"));
    if (!Number.isInteger(len) || len <= 0 || off + len > data.length) throw new Error("bad pax record length");
    const rec = data.subarray(sp + 1, off + len - 1).toString("utf8");
    const eq = rec.indexOf("=");
    if (eq === -1) throw new Error("bad pax record");
    out[rec.slice(0, eq)] = rec.slice(eq + 1);
    off += len;
  }
  return out;
}
