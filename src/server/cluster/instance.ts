import os from "node:os";
import { z } from "zod";

/**
 * This portal instance's name, sent on every response as X-ZLH-Instance so an operator (and the
 * scale-out tests) can see which instance behind the load balancer answered. Not a secret: host
 * name and port are what nginx's upstream list already shows.
 */
const idSchema = z.string().regex(/^[\w.:-]{1,64}$/, "ZLH_INSTANCE_ID: letters, digits, . _ : - (at most 64)");

export function instanceIdFrom(raw: string | undefined, port: number): string {
  return raw ? idSchema.parse(raw) : `${os.hostname()}:${port}`.slice(0, 64);
}

export const INSTANCE_HEADER = "x-zlh-instance";
