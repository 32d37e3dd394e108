// Shared setup of the node tests: the built package in dist/huntbook, and the shared fixtures.
import fs from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";

export const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "..", "..");
export const fixtures = path.resolve(root, "..", "shared", "fixtures");
export const dist = path.join(root, "dist", "huntbook");

export async function loadHuntbook() {
  const hb = await import(path.join(dist, "index.js"));
  await hb.init();
  return hb;
}

export function fixture(rel) {
  return fs.readFileSync(path.join(fixtures, rel));
}

export function fixtureJSON(rel) {
  return JSON.parse(fixture(rel).toString("utf8"));
}
