import type { Metadata } from "next";
import Link from "next/link";

export const metadata: Metadata = { title: "FAQ" };

const faqs: { q: string; a: string }[] = [
  { q: "What can I run?", a: "Minecraft-compatible game servers (Java edition clients connect as usual) and Linux dev containers with the runtime you pick, such as Node.js, with an optional VS Code in the browser." },
  { q: "How long does a new server take?", a: "Usually under a minute. You watch each step live: the container starts, the runtime or game is downloaded and checked, and the server comes up." },
  { q: "What happens when my game server crashes?", a: "It is restarted automatically, with growing pauses if it keeps failing. Every crash is kept in the server's history with the reason we detected (for example out of memory or a broken plugin) and the last log lines, so you can fix the cause." },
  { q: "Can I reach my files?", a: "Yes. The file browser lets you open and edit text files, create folders, rename, delete and download. Drag files onto it to upload; large uploads are sent in pieces and carry on where they stopped if your connection drops." },
  { q: "Is there a console?", a: "Each server page has a live console: the game's own console for game servers, a shell for dev containers. It reconnects by itself and shows the recent output again." },
  { q: "What does the free plan include?", a: "One small server (game or dev) with 1 GB of memory, crash recovery and the browser IDE. No card needed." },
  { q: "Can I cancel?", a: "Any time, from the billing page. Paid features stop at the end of the period you paid for." },
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
