"use client";

import "@xterm/xterm/css/xterm.css";
import { useEffect, useRef, useState } from "react";
import { Badge } from "~/components/ui";

type Conn = "connecting" | "open" | "closed";

/**
 * The web console: xterm.js over the portal's relay (/api/servers/<id>/console). Dev servers get
 * a shell (keystrokes as binary frames, resizes as JSON text frames); game servers get the game
 * console, which takes whole lines, so input is edited locally and sent on Enter. On a drop it
 * reconnects by itself; the agent replays its scrollback, so the screen is reset first.
 */
export function ConsoleTerminal({ serverId, kind }: { serverId: string; kind: "game" | "dev" }) {
  const box = useRef<HTMLDivElement>(null);
  const [conn, setConn] = useState<Conn>("connecting");

  useEffect(() => {
    let disposed = false;
    let ws: WebSocket | null = null;
    let retry: ReturnType<typeof setTimeout> | undefined;
    let attempt = 0;
    let cleanup = () => {};

    void (async () => {
      const [{ Terminal }, { FitAddon }] = await Promise.all([import("@xterm/xterm"), import("@xterm/addon-fit")]);
      if (disposed || !box.current) return;
      const term = new Terminal({
        convertEol: kind === "game",
        cursorBlink: true,
        fontSize: 13,
        fontFamily: "ui-monospace, SFMono-Regular, Menlo, monospace",
        theme: { background: "#09090b", foreground: "#e4e4e7" },
        scrollback: 5000,
      });
      const fit = new FitAddon();
      term.loadAddon(fit);
      term.open(box.current);
      fit.fit();
      const enc = new TextEncoder();
      let line = "";

      const connect = () => {
        if (disposed) return;
        setConn("connecting");
        const proto = location.protocol === "https:" ? "wss" : "ws";
        ws = new WebSocket(`${proto}://${location.host}/api/servers/${encodeURIComponent(serverId)}/console?cols=${term.cols}&rows=${term.rows}`);
        ws.binaryType = "arraybuffer";
        let first = true;
        ws.onopen = () => {
          attempt = 0;
          setConn("open");
        };
        ws.onmessage = (ev) => {
          // The first frame is the scrollback: start from a clean screen so a reconnect does not repeat it.
          if (first) {
            term.reset();
            first = false;
          }
          term.write(typeof ev.data === "string" ? ev.data : new Uint8Array(ev.data as ArrayBuffer));
        };
        ws.onclose = () => {
          setConn("closed");
          if (disposed) return;
          attempt++;
          retry = setTimeout(connect, Math.min(1000 * attempt, 5000));
        };
      };

      const input = term.onData((data) => {
        if (!ws || ws.readyState !== WebSocket.OPEN) return;
        if (kind === "dev") {
          ws.send(enc.encode(data));
          return;
        }
        for (const ch of data) {
          if (ch === "\r") {
            term.write("\r\n");
            // The game console takes keystrokes and ends a line at \r.
            if (line.trim()) ws.send(`${line}\r`);
            line = "";
          } else if (ch === "\x7f") {
            if (line) {
              line = line.slice(0, -1);
              term.write("\b \b");
            }
          } else if (ch >= " ") {
            line += ch;
            term.write(ch);
          }
        }
      });
      const resize = term.onResize(({ cols, rows }) => {
        if (kind === "dev" && ws?.readyState === WebSocket.OPEN) ws.send(JSON.stringify({ type: "resize", cols, rows }));
      });
      const observer = new ResizeObserver(() => fit.fit());
      observer.observe(box.current);
      connect();
      term.focus();
      cleanup = () => {
        observer.disconnect();
        input.dispose();
        resize.dispose();
        term.dispose();
      };
    })();

    return () => {
      disposed = true;
      clearTimeout(retry);
      ws?.close();
      cleanup();
    };
  }, [serverId, kind]);

  return (
    <div className="space-y-2">
      <div className="flex items-center justify-between text-xs text-zinc-400">
        <span>{kind === "game" ? "Game console: type a command and press Enter." : "Shell as the dev user in your workspace."}</span>
        <Badge tone={conn === "open" ? "success" : conn === "connecting" ? "info" : "warning"} dot data-testid="console-state">
          {conn === "open" ? "Connected" : conn === "connecting" ? "Connecting" : "Reconnecting"}
        </Badge>
      </div>
      <div ref={box} className="h-[420px] overflow-hidden rounded-xl bg-zinc-950 p-2 ring-1 ring-white/10" data-testid="console" />
    </div>
  );
}
