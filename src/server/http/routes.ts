import type { IncomingMessage, ServerResponse } from "node:http";
import type { Duplex } from "node:stream";

/**
 * Routes the custom server tries before Next. An HTTP route returns true when it answered the
 * request; an upgrade route returns true when it took the socket. Each domain adds its own here.
 */
export type HttpRoute = (req: IncomingMessage, res: ServerResponse) => boolean | Promise<boolean>;
export type UpgradeRoute = (req: IncomingMessage, socket: Duplex, head: Buffer) => boolean | Promise<boolean>;

export const httpRoutes: HttpRoute[] = [];

export const upgradeRoutes: UpgradeRoute[] = [];
