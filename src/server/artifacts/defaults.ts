/**
 * What a fresh machine prepares without anyone running the CLI (the first run) and what
 * `npm run artifacts -- build --defaults` builds: every Node LTS, the game, the IDE addon, Python,
 * Java, and the container template of the LXC provider when its builder is present. The order is
 * the order users need them in: a game server (Node + flying-squid), then a dev container with the
 * IDE (code-server), then the other runtimes. When the lxc provider runs, every server (game or
 * dev) is built on the container template, so it comes first: last, the first create failed on a
 * missing template until Python and Java had been packed too.
 */
export type BuilderInfo = { name: string; kind: string; versions: string[]; available: true | string };
export type DefaultJob = { name: string; version: string; kind: string; unavailable?: string };

const ORDER: { name: string; allVersions: boolean }[] = [
  { name: "node", allVersions: true },
  { name: "flying-squid", allVersions: false },
  { name: "code-server", allVersions: false },
  { name: "python", allVersions: false },
  { name: "java", allVersions: false },
];

/** The container template builder(s) (#14a) are recognised by name. */
export function isTemplateBuilder(name: string): boolean {
  return /template/.test(name);
}

export function defaultBuildJobs(builders: BuilderInfo[], opts: { templateFirst?: boolean } = {}): DefaultJob[] {
  const jobs: DefaultJob[] = [];
  const pick = (b: BuilderInfo, all: boolean) => {
    for (const version of all ? b.versions : b.versions.slice(0, 1)) {
      jobs.push({ name: b.name, version, kind: b.kind, ...(b.available === true ? {} : { unavailable: b.available }) });
    }
  };
  const templates = () => {
    for (const b of builders.filter((x) => isTemplateBuilder(x.name)).sort((a, b) => a.name.localeCompare(b.name))) pick(b, false);
  };
  if (opts.templateFirst) templates();
  for (const d of ORDER) {
    const b = builders.find((x) => x.name === d.name);
    if (b) pick(b, d.allVersions);
  }
  if (!opts.templateFirst) templates();
  return jobs;
}

/** Friendly names for the wizard ("Minecraft is being prepared"). */
export function preparedLabel(name: string, kind: string | null): string {
  if (name === "flying-squid" || kind === "game") return "Minecraft";
  if (name === "code-server") return "VS Code in the browser";
  if (name === "node") return "Node.js";
  if (name === "python") return "Python";
  if (name === "java") return "Java";
  if (isTemplateBuilder(name)) return "The container template";
  return name;
}
