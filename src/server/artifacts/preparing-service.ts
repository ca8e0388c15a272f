import { isAdmin } from "../admin/roles";
import { latestBuilds } from "./build-queue";
import { loadCatalog } from "./index";
import { preparingView, type PreparingItem } from "./preparing";

/** The wizard's "being prepared" list; admins also get the retry button for failed builds. */
export async function preparingArtifacts(userId: string): Promise<{ items: PreparingItem[]; canRetry: boolean }> {
  const [latest, catalog, admin] = await Promise.all([latestBuilds(), loadCatalog(), isAdmin(userId)]);
  return { items: preparingView(latest, catalog), canRetry: admin };
}
