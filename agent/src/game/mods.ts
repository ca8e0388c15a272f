import { existsSync } from "node:fs";
import { mkdir, readdir, readFile, rm } from "node:fs/promises";
import path from "node:path";
import { z } from "zod";
import type { AgentContext } from "../context";
import { getCatalogClient } from "../artifacts/catalog-client";
import { installFile } from "../artifacts/install";
import { installedModSchema, type InstalledMod, type ModInstall, type ModList } from "../contract/game";
import { writeFileAtomic } from "../fs/atomic";
import { HttpError, conflict, notFound } from "../http/errors";
import type { GameSupervisor } from "./supervisor";

const modsFileSchema = z.object({ mods: z.array(installedModSchema), changedAt: z.number().nullable() });

/** The file name a mod gets in the mods folder: derived only from validated catalog fields. */
export function modFileName(name: string, version: string, url: string, allowed: string[]): string {
  const ext = path.posix.extname(new URL(url).pathname).toLowerCase();
  if (!allowed.includes(ext)) throw new HttpError(422, `mod file type "${ext || "(none)"}" is not one this game loads (${allowed.join(", ")})`);
  return `${name}-${version}${ext}`;
}

/**
 * Mods and plugins from the artifact catalog (kind "mod", `game` naming the game or its template),
 * installed into the template's folder. installFile verifies sha256 and size while downloading into a
 * temp file and only then renames it in, so a failed install leaves the folder exactly as it was.
 * One mod operation at a time.
 */
export class ModManager {
  private busy = false;
  private mods: InstalledMod[] = [];

  constructor(
    private ctx: AgentContext,
    private sup: GameSupervisor,
    private file: string,
  ) {}

  async load(): Promise<void> {
    try {
      const parsed = modsFileSchema.safeParse(JSON.parse(await readFile(this.file, "utf8")));
      if (parsed.success) {
        this.mods = parsed.data.mods;
        this.sup.modsChangedAt = parsed.data.changedAt;
      }
    } catch {
      this.mods = [];
    }
  }

  private folder(): { rel: string; abs: string; extensions: string[] } {
    const tpl = this.sup.template;
    if (!tpl) throw conflict("no game is installed in this container");
    if (!tpl.modsFolder) throw conflict(`the ${tpl.id} template takes no mods or plugins`);
    return { rel: tpl.modsFolder, abs: path.join(this.sup.paths.installDir, tpl.modsFolder), extensions: tpl.modExtensions };
  }

  async list(): Promise<ModList> {
    const tpl = this.sup.template;
    const restartRequired = this.sup.status().restartRequired;
    if (!tpl?.modsFolder) return { folder: null, mods: [], unmanaged: [], restartRequired };
    const { abs } = this.folder();
    const managed = new Set(this.mods.map((m) => m.file));
    const entries = existsSync(abs) ? await readdir(abs) : [];
    const unmanaged = entries.filter((f) => !f.startsWith(".") && !managed.has(f)).sort();
    return { folder: tpl.modsFolder, mods: [...this.mods], unmanaged, restartRequired };
  }

  async install(req: ModInstall): Promise<InstalledMod> {
    return this.exclusive(async () => {
      const { abs, extensions } = this.folder();
      const game = this.sup.installed!;
      const art = await getCatalogClient(this.ctx).resolve({ name: req.name, version: req.version }, "mod");
      if (art.game !== game.artifact.name && art.game !== game.template) {
        throw conflict(`mod ${art.name} is for ${art.game ?? "no game"}, not ${game.artifact.name}`);
      }
      const file = modFileName(art.name, art.version, art.absoluteUrl, extensions);
      await mkdir(abs, { recursive: true });
      await installFile(this.ctx, art, path.join(abs, file));
      const previous = this.mods.find((m) => m.name === art.name);
      if (previous && previous.file !== file) await rm(path.join(abs, previous.file), { force: true });
      const mod: InstalledMod = { name: art.name, version: art.version, sha256: art.sha256, file, installedAt: new Date().toISOString() };
      this.mods = [...this.mods.filter((m) => m.name !== art.name), mod].sort((a, b) => a.name.localeCompare(b.name));
      await this.save();
      return mod;
    });
  }

  async remove(name: string): Promise<void> {
    return this.exclusive(async () => {
      const { abs } = this.folder();
      const mod = this.mods.find((m) => m.name === name);
      if (!mod) throw notFound(`mod ${name} is not installed`);
      await rm(path.join(abs, mod.file), { force: true });
      this.mods = this.mods.filter((m) => m.name !== name);
      await this.save();
    });
  }

  private async save(): Promise<void> {
    this.sup.modsChangedAt = Date.now();
    await writeFileAtomic(this.file, JSON.stringify({ mods: this.mods, changedAt: this.sup.modsChangedAt }, null, 2), 0o600);
  }

  private async exclusive<T>(fn: () => Promise<T>): Promise<T> {
    if (this.busy) throw conflict("another mod change is in progress");
    this.busy = true;
    try {
      return await fn();
    } finally {
      this.busy = false;
    }
  }
}
