/**
 * Server lifecycle states as stored in Server.status, and which user actions each allows. The
 * job and service functions claim a transition with a conditional update (from one of `allowedFrom`)
 * so two concurrent actions cannot both win.
 */
export const serverStatuses = ["provisioning", "running", "starting", "stopping", "stopped", "error", "deleting", "deleted"] as const;
export type ServerStatus = (typeof serverStatuses)[number];

export type ServerAction = "start" | "stop" | "restart" | "delete" | "gameAction";

const allowed: Record<ServerAction, readonly ServerStatus[]> = {
  start: ["stopped", "error"],
  stop: ["running", "starting", "error"],
  restart: ["running", "error"],
  // Deleting is always possible (a failed or stuck provisioning included), once.
  delete: ["provisioning", "running", "starting", "stopping", "stopped", "error"],
  gameAction: ["running"],
};

export function allowedFrom(action: ServerAction): readonly ServerStatus[] {
  return allowed[action];
}

/** Why an action is refused in a state, or null when it is allowed. */
export function refusal(action: ServerAction, status: string): string | null {
  if ((allowed[action] as readonly string[]).includes(status)) return null;
  if (status === "deleted" || status === "deleting") return "This server is being deleted.";
  if (status === "provisioning") return "This server is still being set up.";
  return `Cannot ${action === "gameAction" ? "control the game" : action} a server that is ${status}.`;
}

/** Transitional states that a job or a service call owns; the sweeper fails them past a deadline. */
export function isTransitional(status: string): boolean {
  return status === "provisioning" || status === "deleting" || status === "starting" || status === "stopping";
}
