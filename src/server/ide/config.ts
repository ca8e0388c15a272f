import { env } from "~/env";

/**
 * Where the portal and hosted IDEs live. Read at call time: server.ts sets NEXTAUTH_URL after env.ts
 * is evaluated. Hosted IDEs share the portal's scheme and port: `dev-<vmid>.<ZLH_DEV_DOMAIN>[:port]`.
 */
export function portalUrl(): URL {
  return new URL(process.env.ZLH_PUBLIC_URL ?? process.env.NEXTAUTH_URL ?? `http://localhost:${env.PORT}`);
}

export function hostedIdeOrigin(vmid: number, portal: URL = portalUrl(), devDomain: string = env.ZLH_DEV_DOMAIN): string {
  return `${portal.protocol}//dev-${vmid}.${devDomain}${portal.port ? `:${portal.port}` : ""}`;
}
