// Shared setup of the node tests: the built package in dist/huntbook, and the shared fixtures.
import fs from "node:fs";
import os from "node:os";
import { execFileSync } from "node:child_process";
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

/**
 * Type-checks the TypeScript `source` (as file `name`) against dist/huntbook's typings with `tsc --strict`, in a
 * fresh folder where `huntbook` resolves to the built package. Returns tsc's output: "" when it type-checks.
 */
export function typecheck(source, name = "use.ts") {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "huntbook-types-"));
  fs.mkdirSync(path.join(dir, "node_modules"));
  fs.symlinkSync(dist, path.join(dir, "node_modules", "huntbook"));
  fs.writeFileSync(path.join(dir, name), source);
  const tsc = path.join(root, "node_modules", "typescript", "bin", "tsc");
  const args = ["--noEmit", "--strict", "--module", "nodenext", "--moduleResolution", "nodenext", "--target", "es2022", "--lib", "es2022,dom"];
  try {
    return execFileSync(process.execPath, [tsc, ...args, path.join(dir, name)], { cwd: dir, encoding: "utf8" });
  } catch (e) {
    return e.stdout + e.stderr;
  }
}
