import type { Metadata, Viewport } from "next";
import { connection } from "next/server";
import type { ReactNode } from "react";
import { IsolationBanner } from "~/components/isolation-banner";
import { TRPCReactProvider } from "~/trpc/react";
import "./globals.css";

const description =
  "Minecraft servers with crash recovery and automatic restarts, and cloud dev containers with VS Code in your browser. Live console, file manager, simple pricing.";

export const metadata: Metadata = {
  // Absolute URLs for the Open Graph image: the public URL when set, else the local default.
  metadataBase: new URL(process.env.ZLH_PUBLIC_URL ?? process.env.NEXTAUTH_URL ?? `http://localhost:${process.env.PORT ?? 3000}`),
  title: { default: "ZeroLagHub: game servers and dev containers that stay up", template: "%s · ZeroLagHub" },
  description,
  applicationName: "ZeroLagHub",
  manifest: "/site.webmanifest",
  icons: {
    icon: [{ url: "/favicon.ico", sizes: "32x32" }, { url: "/icon.svg", type: "image/svg+xml" }, { url: "/icon-192.png", sizes: "192x192", type: "image/png" }],
    apple: [{ url: "/apple-touch-icon.png", sizes: "180x180" }],
  },
  openGraph: {
    type: "website",
    siteName: "ZeroLagHub",
    title: "ZeroLagHub: game servers and dev containers that stay up",
    description,
    images: [{ url: "/og-image.png", width: 1200, height: 630, alt: "ZeroLagHub: Minecraft servers that restart themselves after a crash, and dev containers with VS Code in your browser." }],
  },
  twitter: { card: "summary_large_image", images: ["/og-image.png"] },
};

export const viewport: Viewport = { themeColor: "#09090b", width: "device-width", initialScale: 1 };

export default async function RootLayout({ children }: { children: ReactNode }) {
  // Rendered per request: Next puts each response's CSP nonce on its scripts (see security-headers.ts),
  // which a page prerendered at build time could not carry.
  await connection();
  return (
    <html lang="en" className="dark">
      <body className="font-sans">
        <TRPCReactProvider>
          <IsolationBanner />
          {children}
        </TRPCReactProvider>
      </body>
    </html>
  );
}
