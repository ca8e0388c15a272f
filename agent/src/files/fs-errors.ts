import { HttpError } from "../http/errors";

/** Maps a filesystem error to a 4xx the caller can act on; anything unexpected stays a 500. */
export function fsHttpError(err: unknown, what: string): unknown {
  const code = (err as NodeJS.ErrnoException | undefined)?.code;
  switch (code) {
    case "ENOENT":
      return new HttpError(404, `${what}: no such file or folder`);
    case "EEXIST":
      return new HttpError(409, `${what}: already exists`);
    case "ENOTEMPTY":
      return new HttpError(409, `${what}: folder is not empty`);
    case "ENOTDIR":
      return new HttpError(409, `${what}: a part of the path is not a folder`);
    case "EISDIR":
      return new HttpError(409, `${what}: is a folder`);
    case "EINVAL":
      return new HttpError(400, `${what}: invalid operation (a folder cannot move into itself)`);
    case "EACCES":
    case "EPERM":
      return new HttpError(403, `${what}: permission denied`);
    case "ELOOP":
      return new HttpError(403, `${what}: too many symlinks`);
    case "ENAMETOOLONG":
      return new HttpError(400, `${what}: name too long`);
    case "ENOSPC":
    case "EDQUOT":
      return new HttpError(507, `${what}: no space left`);
    default:
      return err;
  }
}

/** Runs an fs call, turning known errors into HttpErrors. */
export async function fsCall<T>(what: string, fn: () => Promise<T>): Promise<T> {
  try {
    return await fn();
  } catch (err) {
    if (err instanceof HttpError) throw err;
    throw fsHttpError(err, what);
  }
}
