import type { Metadata } from "next";
import Link from "next/link";
import { DEFAULT_BACKOFF } from "../../../../agent/src/game/backoff";
import { backoffWords } from "~/lib/crash-preview";
import { plans } from "~/server/billing/plans";

export const metadata: Metadata = { title: "FAQ" };

const backoff = backoffWords(DEFAULT_BACKOFF);
const free = plans.find((p) => p.id === "free")!;

const faqs: { q: string; a: string }[] = [
  { q: "What can I run?", a: "The games and runtimes this portal has published (listed on the home page under \"Available now\"): Minecraft-compatible game servers that Java edition clients join with the address on the server page, and Linux dev containers with the runtime you pick, with an optional VS Code in the browser." },
  { q: "How long does a new server take?", a: "You watch each step live: the container starts, the runtime or game is downloaded and its checksum verified, and the server comes up. How long depends on the machine and the size of the download." },
  { q: "What happens when my game server crashes?", a: `It is restarted automatically after ${backoff}; after ${DEFAULT_BACKOFF.maxFailures} crashes in a row the restarts stop and the server page says so. Every crash is kept in the server's history with the likely cause we detected (for example out of memory or a broken plugin) and the last log lines, so you can fix it.` },
  { q: "Can I reach my files?", a: "Yes. The file browser lets you open and edit text files, create folders, rename, delete and download. Drag files onto it to upload; large uploads are sent in pieces and carry on where they stopped if your connection drops. Dev containers also take SSH and SFTP with your keys." },
  { q: "Is there a console?", a: "Each server page has a live console: the game's own console for game servers, a shell for dev containers. It reconnects by itself and shows the recent output again." },
  { q: "What does the free plan include?", a: `${free.features.join(", ")}. No card needed.` },
  { q: "Can I cancel?", a: "Any time, from the billing page (payments go through Stripe)." },
];

export default function FaqPage() {
  return (
    <section className="mx-auto max-w-3xl px-4 py-16 sm:px-6">
      <h1 className="text-4xl font-semibold tracking-tight text-white">Frequently asked questions</h1>
      <dl className="mt-10 space-y-8">
        {faqs.map((f) => (
          <div key={f.q}>
            <dt className="text-lg font-medium text-white">{f.q}</dt>
            <dd className="mt-2 text-zinc-400">{f.a}</dd>
          </div>
        ))}
      </dl>
      <p className="mt-12 text-zinc-400">
        Still unsure? <Link href="/signup" className="text-brand-300 hover:underline">Start free</Link> or see <Link href="/pricing" className="text-brand-300 hover:underline">pricing</Link>.
      </p>
    </section>
  );
}
