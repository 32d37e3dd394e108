// Headless Chromium (Debian's /usr/bin/chromium) driven by playwright-core, against the loopback server.
import { chromium } from "playwright-core";
import fs from "node:fs";
import path from "node:path";
import { startServer } from "../../scripts/serve.mjs";
import { root } from "../js/helpers.mjs";

/** Screenshots and other test artefacts (kept by CI; the README's host screenshots are copies of some). */
export const artifacts = path.join(root, "test-results");

/**
 * Debian's headless Chromium with the flags this machine needs (no background networking: its closed network
 * refuses those connections). The e2e tests and the Chromium benches (bench/timeline.mjs, worker.mjs, startup.mjs)
 * all start it here.
 */
export function launchChromium() {
  return chromium.launch({
    executablePath: process.env.CHROMIUM_PATH || "/usr/bin/chromium",
    args: ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-quic",
      "--no-first-run", "--disable-component-update", "--disable-sync"],
  });
}

export async function openBrowser() {
  const server = await startServer({ port: 0 });
  const base = `http://127.0.0.1:${server.address().port}`;
  const browser = await launchChromium();
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

/** True for a URL on the loopback server (or a local-only scheme: data:, blob:, about:). */
export function isLoopback(u) {
  const url = new URL(u);
  if (["data:", "blob:", "about:", "chrome-extension:"].includes(url.protocol)) return true;
  return url.hostname === "127.0.0.1" || url.hostname === "localhost" || url.hostname === "[::1]";
}

/** The requests of `requests` (URLs) that left the loopback server; a test asserts this is empty. */
export function offLoopback(requests) {
  return [...new Set(requests.filter((u) => !isLoopback(u)))];
}

/**
 * Prints one notebook host's result as a table row and returns it: `cells` is `[{id, ok, error?}]` in run order.
 * The hosts' tests (tests/e2e/host-*.test.mjs) each print one, so the test log shows cells run / passed per host.
 */
export function reportHost(host, cells) {
  const passed = cells.filter((c) => c.ok).length;
  const line = `| ${host.padEnd(22)} | ${String(cells.length).padStart(9)} | ${String(passed).padStart(12)} |`;
  console.log(["", "| host                   | cells run | cells passed |", "|------------------------|-----------|--------------|", line,
    ...cells.filter((c) => !c.ok).map((c) => `  failed: ${c.id}: ${c.error ?? "(no message)"}`)].join("\n"));
  fs.mkdirSync(artifacts, { recursive: true });
  fs.writeFileSync(path.join(artifacts, `host-${host}.json`), JSON.stringify({ host, run: cells.length, passed, cells }, null, 2));
  return { host, run: cells.length, passed };
}
