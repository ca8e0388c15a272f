import { loadCatalog } from "~/server/artifacts/index";
import { runtimeCatalogView, type CatalogOption } from "~/server/provisioning/catalog-view";

/** The games and runtimes this portal offers right now, read from its published catalog. */
export async function publishedCatalog(): Promise<{ games: CatalogOption[]; runtimes: CatalogOption[] } | null> {
  try {
    return runtimeCatalogView(await loadCatalog());
  } catch {
    return null;
  }
}

export async function PublishedGames() {
  const cat = await publishedCatalog();
  if (!cat) return <p className="text-sm text-zinc-400">The catalog of games is unavailable right now.</p>;
  return (
    <div className="grid gap-6 sm:grid-cols-2" data-testid="published-catalog">
      <div>
        <h3 className="text-sm font-medium uppercase tracking-wide text-zinc-500">Games</h3>
        {cat.games.length ? (
          <ul className="mt-3 space-y-2 text-zinc-200">
            {cat.games.map((g) => (
              <li key={g.name}>{g.displayName}</li>
            ))}
          </ul>
        ) : (
          <p className="mt-3 text-sm text-zinc-400">No game is published on this portal yet.</p>
        )}
      </div>
      <div>
        <h3 className="text-sm font-medium uppercase tracking-wide text-zinc-500">Dev container runtimes</h3>
        {cat.runtimes.length ? (
          <ul className="mt-3 space-y-2 text-zinc-200">
            {cat.runtimes.map((r) => (
              <li key={r.name}>
                {r.displayName} {r.versions.map((v) => v.version).join(", ")}
              </li>
            ))}
          </ul>
        ) : (
          <p className="mt-3 text-sm text-zinc-400">No runtime is published on this portal yet.</p>
        )}
      </div>
    </div>
  );
}
