import { CopyButton } from "./copy-button";

/**
 * The SSH config block for a dev server with a copy button. Feed it `ssh.config({ serverId })`
 * (src/server/ssh/config.ts): `snippet` null means the container has no SSH endpoint yet.
 */
export function SshConfigSnippet({ alias, snippet, wildcard, command }: { alias: string; snippet: string | null; wildcard: string | null; command: string }) {
  if (!snippet) return <p className="text-sm text-zinc-400">SSH is available once the dev server is running.</p>;
  const text = wildcard ? `${wildcard}\n${snippet}` : snippet;
  return (
    <div className="space-y-3 text-sm">
      <p className="text-zinc-400">
        Add this to <code className="text-zinc-200">~/.ssh/config</code>, then run <code className="text-zinc-200">{command}</code>. Your keys from{" "}
        <a className="text-brand-400 hover:underline" href="/settings/ssh">Settings → SSH keys</a> work on all your dev servers.
      </p>
      <div className="relative">
        <pre aria-label={`SSH config for ${alias}`} className="overflow-x-auto rounded-lg bg-black/40 p-4 font-mono text-xs text-zinc-200 ring-1 ring-white/10">{text}</pre>
        <div className="absolute top-2 right-2">
          <CopyButton text={text} />
        </div>
      </div>
    </div>
  );
}
