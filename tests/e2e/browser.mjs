// Headless Chromium (Debian's /usr/bin/chromium) driven by playwright-core, against the loopback server.
import { chromium } from "playwright-core";
import fs from "node:fs";
import path from "node:path";
import { startServer } from "../../scripts/serve.mjs";
import { root } from "../js/helpers.mjs";

export const artifacts = path.join(root, "tests", "e2e", "artifacts");

export async function openBrowser() {
  const server = await startServer({ port: 0 });
  const base = `http://127.0.0.1:${server.address().port}`;
  const browser = await chromium.launch({
    executablePath: process.env.CHROMIUM_PATH || "/usr/bin/chromium",
    args: ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-quic",
      "--no-first-run", "--disable-component-update", "--disable-sync"],
  });
  const requests = [];
  async function newPage() {
    const page = await browser.newPage();
    const errors = [];
    page.on("console", (m) => { if (m.type() === "error") errors.push(m.text()); });
    page.on("pageerror", (e) => errors.push(String(e)));
    page.on("request", (r) => requests.push(r.url()));
    return { page, errors };
  }
  async function close() {
    await browser.close();
    await new Promise((r) => server.close(r));
  }
  return { base, newPage, close, requests };
}

export async function screenshot(page, name) {
  fs.mkdirSync(artifacts, { recursive: true });
  await page.screenshot({ path: path.join(artifacts, `${name}.png`), fullPage: true });
}
