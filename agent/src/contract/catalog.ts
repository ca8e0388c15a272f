import { z } from "zod";

/**
 * The artifact catalog: what the artifact server offers. Produced by `npm run artifacts`, served at
 * /artifacts/catalog.json (signed: /artifacts/catalog.json.sig, ed25519 over the exact bytes), read
 * by the agent for every install and by the portal for its runtime dropdown.
 */
/** template: a container root filesystem for the lxc provider (used by the portal, never by agents). */
export const artifactKinds = ["runtime", "service", "game", "mod", "template"] as const;
export const artifactKindSchema = z.enum(artifactKinds);
export type ArtifactKind = z.infer<typeof artifactKindSchema>;

export const channelNames = ["stable", "beta"] as const;
export const channelSchema = z.enum(channelNames);
export type Channel = z.infer<typeof channelSchema>;

export const artifactNameSchema = z
  .string()
  .regex(/^[a-z0-9][a-z0-9-]{0,62}$/, "name must be lower-case letters, digits and dashes");
export const versionSchema = z
  .string()
  .regex(/^\d+\.\d+\.\d+(?:-[0-9A-Za-z.-]+)?$/, "version must look like 1.2.3 or 1.2.3-beta.1");
export const sha256Schema = z.string().regex(/^[0-9a-f]{64}$/, "sha256 must be 64 lower-case hex characters");

export const artifactEntrySchema = z
  .object({
    kind: artifactKindSchema,
    name: artifactNameSchema,
    version: versionSchema,
    displayName: z.string().min(1).max(80).optional(),
    os: z.literal("linux"),
    arch: z.enum(["x64", "arm64", "any"]),
    /** Absolute http(s) URL, or a path relative to the catalog's own URL. */
    url: z.string().min(1).max(2048),
    sha256: sha256Schema,
    size: z.number().int().positive(),
    /** Folders (relative to the install dir) put on PATH, for runtimes. */
    bin: z.array(z.string().regex(/^[A-Za-z0-9._/-]+$/).refine((p) => !p.split("/").includes(".."))).default([]),
    /** How to check an installed copy: run `command` (relative to the install dir); stdout+stderr must match the `expect` regular expression (multi-line). */
    verify: z
      .object({
        command: z.string().min(1),
        args: z.array(z.string()).default([]),
        expect: z.string().min(1).refine((re) => {
          try {
            new RegExp(re, "m");
            return true;
          } catch {
            return false;
          }
        }, "expect must be a valid regular expression"),
      })
      .optional(),
    /** Game artifacts: the agent's template id (ready line, stop command, launch). */
    template: z.string().regex(/^[a-z0-9-]+$/).optional(),
    /** Mods: the game name they belong to (e.g. "flying-squid", "paper"). */
    game: artifactNameSchema.optional(),
    publishedAt: z.iso.datetime().optional(),
  })
  .strict();
export type ArtifactEntry = z.infer<typeof artifactEntrySchema>;

/** Per artifact name, per channel: a stack of versions, the last one current (rollback pops it). */
export const channelPointersSchema = z.record(artifactNameSchema, z.partialRecord(channelSchema, z.array(versionSchema)));

export const catalogSchema = z
  .object({
    schemaVersion: z.literal(1),
    generatedAt: z.iso.datetime(),
    artifacts: z.array(artifactEntrySchema),
    channels: channelPointersSchema.default({}),
  })
  .strict()
  .superRefine((cat, ctx) => {
    const seen = new Set<string>();
    cat.artifacts.forEach((a, i) => {
      const key = `${a.kind}/${a.name}@${a.version}/${a.arch}`;
      if (seen.has(key)) ctx.addIssue({ code: "custom", path: ["artifacts", i], message: `duplicate entry ${key}` });
      seen.add(key);
    });
    for (const [name, chans] of Object.entries(cat.channels)) {
      for (const [chan, stack] of Object.entries(chans ?? {})) {
        for (const v of stack ?? []) {
          if (!cat.artifacts.some((a) => a.name === name && a.version === v)) {
            ctx.addIssue({ code: "custom", path: ["channels", name, chan], message: `${chan} points at ${name}@${v}, which is not in the catalog` });
          }
        }
      }
    }
  });
export type Catalog = z.infer<typeof catalogSchema>;

/** An install request names a version or follows a channel (stable by default). */
export const artifactRefSchema = z.object({
  name: artifactNameSchema,
  version: versionSchema.optional(),
  channel: channelSchema.optional(),
});
export type ArtifactRef = z.infer<typeof artifactRefSchema>;
