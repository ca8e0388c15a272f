"use client";

import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import { useState, type DragEvent } from "react";
import { Alert, Button, Spinner } from "~/components/ui";
import { cx } from "~/lib/cx";
import { useTRPC } from "~/trpc/react";
import { formatBytes } from "./format";
import { uploadFile } from "./upload";

const EDIT_LIMIT = 1024 * 1024;
const join = (dir: string, name: string) => (dir ? `${dir}/${name}` : name);

type Upload = { name: string; sent: number; total: number; error?: string; done?: boolean };

/** Browse, edit, create, rename, delete, download and upload (drag and drop) the server's files. */
export function FileBrowser({ serverId, rootLabel }: { serverId: string; rootLabel: string }) {
  const trpc = useTRPC();
  const qc = useQueryClient();
  const [dir, setDir] = useState("");
  const [editing, setEditing] = useState<{ path: string; content: string } | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [uploads, setUploads] = useState<Upload[]>([]);
  const [dragging, setDragging] = useState(false);
  const list = useQuery(trpc.files.list.queryOptions({ serverId, path: dir }));
  const refresh = () => qc.invalidateQueries({ queryKey: trpc.files.list.queryKey() });
  const onError = (e: { message: string }) => setError(e.message);
  const mkdir = useMutation(trpc.files.mkdir.mutationOptions({ onSuccess: refresh, onError }));
  const rename = useMutation(trpc.files.rename.mutationOptions({ onSuccess: refresh, onError }));
  const del = useMutation(trpc.files.delete.mutationOptions({ onSuccess: refresh, onError }));
  const write = useMutation(trpc.files.write.mutationOptions({ onSuccess: () => (setEditing(null), refresh()), onError }));
  const read = useMutation({
    mutationFn: (path: string) => qc.fetchQuery(trpc.files.read.queryOptions({ serverId, path })),
    onSuccess: (f) => (f.encoding === "utf8" ? setEditing({ path: f.path, content: f.content }) : setError("This file is not text; download it instead.")),
    onError,
  });

  const crumbs = dir ? dir.split("/") : [];

  const onDrop = async (e: DragEvent) => {
    e.preventDefault();
    setDragging(false);
    const files = [...e.dataTransfer.files];
    for (const file of files) {
      const entry: Upload = { name: file.name, sent: 0, total: file.size };
      setUploads((u) => [...u.filter((x) => x.name !== file.name), entry]);
      const update = (patch: Partial<Upload>) => setUploads((u) => u.map((x) => (x.name === file.name ? { ...x, ...patch } : x)));
      try {
        await uploadFile(serverId, join(dir, file.name), file, (sent, total) => update({ sent, total }));
        update({ done: true });
      } catch (err) {
        update({ error: (err as Error).message });
      }
      void refresh();
    }
  };

  if (editing) {
    return (
      <div className="space-y-3">
        <div className="flex items-center justify-between gap-2">
          <p className="truncate font-mono text-sm text-zinc-300">{editing.path}</p>
          <div className="flex gap-2">
            <Button variant="ghost" size="sm" onClick={() => setEditing(null)}>
              Cancel
            </Button>
            <Button size="sm" pending={write.isPending} onClick={() => write.mutate({ serverId, path: editing.path, content: editing.content })}>
              Save
            </Button>
          </div>
        </div>
        <textarea
          aria-label="File content"
          value={editing.content}
          onChange={(e) => setEditing({ ...editing, content: e.target.value })}
          spellCheck={false}
          className="h-[420px] w-full rounded-xl bg-zinc-950 p-3 font-mono text-xs text-zinc-200 ring-1 ring-white/10 outline-none focus:ring-brand-400"
        />
        {error && <Alert tone="danger">{error}</Alert>}
      </div>
    );
  }

  return (
    <div
      className={cx("space-y-3 rounded-xl", dragging && "ring-2 ring-brand-400")}
      onDragOver={(e) => (e.preventDefault(), setDragging(true))}
      onDragLeave={() => setDragging(false)}
      onDrop={onDrop}
      data-testid="file-browser"
    >
      <div className="flex flex-wrap items-center justify-between gap-2">
        <nav aria-label="Folder" className="flex flex-wrap items-center gap-1 text-sm">
          <button className="text-brand-300 hover:underline" onClick={() => setDir("")}>
            {rootLabel}
          </button>
          {crumbs.map((c, i) => (
            <span key={i} className="flex items-center gap-1">
              <span className="text-zinc-600">/</span>
              <button className="text-brand-300 hover:underline" onClick={() => setDir(crumbs.slice(0, i + 1).join("/"))}>
                {c}
              </button>
            </span>
          ))}
        </nav>
        <Button
          size="sm"
          variant="secondary"
          onClick={() => {
            const name = window.prompt("New folder name");
            if (name) mkdir.mutate({ serverId, path: join(dir, name) });
          }}
        >
          New folder
        </Button>
      </div>
      <div className="rounded-xl border border-dashed border-white/15 px-4 py-3 text-center text-sm text-zinc-400" data-testid="drop-zone">
        Drop files here to upload them to this folder. Large files go up in resumable 4 MB chunks; files with the same name are replaced.
      </div>
      {uploads.length > 0 && (
        <ul className="space-y-2" aria-label="Uploads">
          {uploads.map((u) => (
            <li key={u.name} className="text-xs" data-testid="upload">
              <div className="flex justify-between gap-2 text-zinc-300">
                <span className="truncate">{u.name}</span>
                <span>{u.error ? <span className="text-red-300">{u.error}</span> : u.done ? "Uploaded" : `${formatBytes(u.sent)} / ${formatBytes(u.total)}`}</span>
              </div>
              <div className="mt-1 h-1.5 overflow-hidden rounded-full bg-white/5" role="progressbar" aria-label={`Upload of ${u.name}`} aria-valuenow={u.total ? Math.floor((u.sent / u.total) * 100) : 100}>
                <div className={cx("h-full rounded-full", u.error ? "bg-red-400" : "bg-brand-500")} style={{ width: `${u.total ? (u.sent / u.total) * 100 : 100}%` }} />
              </div>
            </li>
          ))}
        </ul>
      )}
      {error && (
        <Alert tone="danger" onClick={() => setError(null)}>
          {error}
        </Alert>
      )}
      {list.isPending ? (
        <p className="flex items-center gap-2 text-sm text-zinc-400">
          <Spinner className="size-4" /> Loading…
        </p>
      ) : list.isError ? (
        <Alert tone="warning">{list.error.message}</Alert>
      ) : (
        <div className="overflow-x-auto rounded-xl ring-1 ring-white/10">
          <table className="w-full text-left text-sm">
            <thead className="bg-white/5 text-xs text-zinc-400">
              <tr>
                <th className="px-3 py-2 font-medium">Name</th>
                <th className="hidden px-3 py-2 font-medium sm:table-cell">Size</th>
                <th className="hidden px-3 py-2 font-medium md:table-cell">Modified</th>
                <th className="px-3 py-2 text-right font-medium">Actions</th>
              </tr>
            </thead>
            <tbody>
              {list.data.entries.length === 0 && (
                <tr>
                  <td colSpan={4} className="px-3 py-6 text-center text-zinc-500">
                    This folder is empty.
                  </td>
                </tr>
              )}
              {[...list.data.entries]
                .sort((a, b) => (a.type === "dir" ? 0 : 1) - (b.type === "dir" ? 0 : 1) || a.name.localeCompare(b.name))
                .map((f) => (
                  <tr key={f.path} className="border-t border-white/5" data-testid="file-row">
                    <td className="max-w-[14rem] truncate px-3 py-2">
                      {f.type === "dir" ? (
                        <button className="font-medium text-brand-300 hover:underline" onClick={() => setDir(f.path)}>
                          {f.name}/
                        </button>
                      ) : f.size <= EDIT_LIMIT && f.type === "file" ? (
                        <button className="text-zinc-200 hover:underline" onClick={() => read.mutate(f.path)}>
                          {f.name}
                        </button>
                      ) : (
                        <span className="text-zinc-200">{f.name}</span>
                      )}
                    </td>
                    <td className="hidden px-3 py-2 text-zinc-400 sm:table-cell">{f.type === "dir" ? "–" : formatBytes(f.size)}</td>
                    <td className="hidden px-3 py-2 text-zinc-400 md:table-cell">{new Date(f.mtime).toLocaleString()}</td>
                    <td className="px-3 py-2">
                      <div className="flex justify-end gap-1">
                        {f.type === "file" && (
                          <a className="rounded px-2 py-1 text-xs text-zinc-300 hover:bg-white/5" href={`/api/servers/${serverId}/files/download?path=${encodeURIComponent(f.path)}`} download>
                            Download
                          </a>
                        )}
                        <button
                          className="rounded px-2 py-1 text-xs text-zinc-300 hover:bg-white/5"
                          onClick={() => {
                            const to = window.prompt("New name", f.name);
                            if (to && to !== f.name) rename.mutate({ serverId, from: f.path, to: join(dir, to) });
                          }}
                        >
                          Rename
                        </button>
                        <button
                          className="rounded px-2 py-1 text-xs text-red-300 hover:bg-red-500/10"
                          onClick={() => {
                            if (window.confirm(`Delete ${f.name}${f.type === "dir" ? " and everything in it" : ""}?`)) del.mutate({ serverId, path: f.path, recursive: f.type === "dir" });
                          }}
                        >
                          Delete
                        </button>
                      </div>
                    </td>
                  </tr>
                ))}
            </tbody>
          </table>
        </div>
      )}
    </div>
  );
}
