import type { Metadata, Viewport } from "next";
import type { ReactNode } from "react";
import { TRPCReactProvider } from "~/trpc/react";
import "./globals.css";

export const metadata: Metadata = {
  title: { default: "ZeroLagHub: game servers and dev containers that stay up", template: "%s · ZeroLagHub" },
  description:
    "Minecraft servers with crash recovery and automatic restarts, and cloud dev containers with VS Code in your browser. Live console, file manager, simple pricing.",
};

export const viewport: Viewport = { themeColor: "#09090b", width: "device-width", initialScale: 1 };

export default function RootLayout({ children }: { children: ReactNode }) {
  return (
    <html lang="en" className="dark">
      <body className="font-sans">
        <TRPCReactProvider>{children}</TRPCReactProvider>
      </body>
    </html>
  );
}
