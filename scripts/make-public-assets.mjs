// Renders public/ icons and the Open Graph image from the logo (public/icon.svg) in Debian's Chromium:
// node scripts/make-public-assets.mjs. The outputs are committed; run again after changing the logo.
import { readFileSync, writeFileSync } from "node:fs";
import { chromium } from "playwright-core";

const svg = readFileSync("public/icon.svg", "utf8");
const browser = await chromium.launch({ executablePath: process.env.CHROMIUM_PATH ?? "/usr/bin/chromium", args: ["--no-sandbox", "--disable-gpu"] });
const page = await browser.newPage();

async function png(html, width, height) {
  await page.setViewportSize({ width, height });
  await page.setContent(`<!doctype html><html><body style="margin:0;background:transparent">${html}</body></html>`);
  return page.screenshot({ omitBackground: true, clip: { x: 0, y: 0, width, height } });
}
const icon = (size, pad = 0) =>
  png(`<div style="width:${size}px;height:${size}px;display:grid;place-items:center;background:${pad ? "#09090b" : "transparent"}">${svg.replace("<svg ", `<svg width="${size - 2 * pad}" height="${size - 2 * pad}" `)}</div>`, size, size);

writeFileSync("public/icon-192.png", await icon(192));
writeFileSync("public/icon-512.png", await icon(512));
// Maskable icons and Apple's touch icon are drawn on a full square: keep the mark inside the safe zone.
writeFileSync("public/icon-maskable-512.png", await icon(512, 64));
writeFileSync("public/apple-touch-icon.png", await icon(180, 14));

// favicon.ico: an ICO directory with one 32x32 and one 16x16 PNG image (PNG-in-ICO, every browser reads it).
const images = [await icon(32), await icon(16)];
const header = Buffer.alloc(6 + 16 * images.length);
header.writeUInt16LE(0, 0);
header.writeUInt16LE(1, 2);
header.writeUInt16LE(images.length, 4);
let offset = header.length;
images.forEach((img, i) => {
  const size = i === 0 ? 32 : 16;
  const e = 6 + 16 * i;
  header.writeUInt8(size, e);
  header.writeUInt8(size, e + 1);
  header.writeUInt16LE(1, e + 4);
  header.writeUInt16LE(32, e + 6);
  header.writeUInt32LE(img.length, e + 8);
  header.writeUInt32LE(offset, e + 12);
  offset += img.length;
});
writeFileSync("public/favicon.ico", Buffer.concat([header, ...images]));

// Open Graph card, 1200x630: the mark, the name and what the product does.
writeFileSync(
  "public/og-image.png",
  await png(
    `<div style="width:1200px;height:630px;box-sizing:border-box;padding:96px;background:radial-gradient(circle at 80% 0%,#064e34 0,#09090b 60%);font-family:'DejaVu Sans',sans-serif;color:#fafafa;display:flex;flex-direction:column;justify-content:center;gap:36px">
      <div style="display:flex;align-items:center;gap:28px">${svg.replace("<svg ", '<svg width="112" height="112" ')}<span style="font-size:76px;font-weight:700;letter-spacing:-2px">ZeroLag<span style="color:#34d389">Hub</span></span></div>
      <div style="font-size:44px;line-height:1.25;color:#d4d4d8;max-width:1000px">Minecraft servers that restart themselves after a crash, and dev containers with VS Code in your browser.</div>
    </div>`,
    1200,
    630,
  ),
);
await browser.close();
console.log("public/: icon-192.png icon-512.png icon-maskable-512.png apple-touch-icon.png favicon.ico og-image.png");
