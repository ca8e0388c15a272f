/**
 * The last lines of a log, from the bytes at its end. Pure: the caller reads at most `window`
 * bytes from the end of the file; a first line cut by the window is dropped (it is partial).
 */
// eslint-disable-next-line no-control-regex
const ANSI = /\x1b\[[0-9;?]*[ -/]*[@-~]|\x1b[@-_]/g;

export function tailLines(end: Buffer, fileSize: number, n: number): { lines: string[]; truncated: boolean } {
  const cut = end.length < fileSize;
  let text = end.toString("utf8").replace(/\r\n?/g, "\n");
  if (cut) text = text.slice(text.indexOf("\n") + 1);
  const all = text.split("\n");
  if (all.at(-1) === "") all.pop();
  const lines = all.slice(-n).map((l) => l.replace(ANSI, ""));
  return { lines, truncated: cut || all.length > n };
}
