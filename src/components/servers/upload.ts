/**
 * Browser side of the resumable upload protocol (through the portal's /api/servers/<id>/files/uploads):
 * create, then PUT chunks at the current offset; after a failed chunk ask for the upload's state
 * and go on from the offset the agent has, a few times before giving up.
 */
export const CHUNK_BYTES = 4 * 1024 * 1024;

type UploadState = { uploadId: string; offset: number; size: number; complete: boolean };

async function json<T>(r: Response): Promise<T> {
  const body = (await r.json().catch(() => ({}))) as T & { error?: string };
  if (!r.ok) throw new Error(body.error ?? `upload failed (${r.status})`);
  return body;
}

export async function uploadFile(
  serverId: string,
  path: string,
  file: Blob,
  onProgress: (sent: number, total: number) => void,
  opts: { retries?: number; signal?: AbortSignal } = {},
): Promise<void> {
  const base = `/api/servers/${encodeURIComponent(serverId)}/files/uploads`;
  let state = await json<UploadState>(
    await fetch(base, { method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify({ path, size: file.size, overwrite: true }), signal: opts.signal }),
  );
  let failures = 0;
  onProgress(state.offset, file.size);
  while (!state.complete) {
    const end = Math.min(state.offset + CHUNK_BYTES, file.size);
    try {
      state = await json<UploadState>(
        await fetch(`${base}/${state.uploadId}?offset=${state.offset}`, { method: "PUT", body: file.slice(state.offset, end), signal: opts.signal }),
      );
      failures = 0;
    } catch (err) {
      if (opts.signal?.aborted || ++failures > (opts.retries ?? 5)) throw err;
      await new Promise((r) => setTimeout(r, 500 * failures));
      // Resume from what the agent actually has.
      state = await json<UploadState>(await fetch(`${base}/${state.uploadId}`, { signal: opts.signal }));
    }
    onProgress(state.offset, file.size);
  }
}
