import type { inferRouterOutputs } from "@trpc/server";
import type { AppRouter } from "~/server/api/root";

type Out = inferRouterOutputs<AppRouter>;
/** monitor.server's answer: the server row, the agent's live summary, resource samples. */
export type ServerLiveData = Out["monitor"]["server"];
export type CrashRecordData = Out["monitor"]["crashes"][number];
