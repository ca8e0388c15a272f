import { accessSync, constants } from "node:fs";
import path from "node:path";

/**
 * The gzip compressor a backup uses. pigz writes the same gzip format on every core (gzip uses
 * one), and compression is most of a backup's time; gzip stays the fallback where pigz is missing
 * (a container template built before it was added). Level 6 either way: gzip's default, the one
 * `tar -czf` uses, so archives come out about the same size.
 */
export type Compressor = { name: "pigz" | "gzip"; args: string[] };

const LEVEL = "-6";

function onPath(cmd: string, pathEnv: string, canRun: (file: string) => boolean): boolean {
  return pathEnv.split(path.delimiter).some((dir) => dir !== "" && canRun(path.join(dir, cmd)));
}

const executable = (file: string) => {
  try {
    accessSync(file, constants.X_OK);
    return true;
  } catch {
    return false;
  }
};

/** pigz when it is on PATH, else gzip; `-c -n`: to stdout, no name or time stamp in the header. */
export function pickCompressor(pathEnv = process.env.PATH ?? "", canRun: (file: string) => boolean = executable): Compressor {
  if (onPath("pigz", pathEnv, canRun)) return { name: "pigz", args: ["-c", "-n", LEVEL] };
  return { name: "gzip", args: ["-c", "-n", LEVEL] };
}
