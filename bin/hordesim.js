#!/usr/bin/env node
// Launcher: runs the compiled CLI (built by `npm ci` through the `prepare` script).
import { existsSync } from "node:fs";
import { fileURLToPath, pathToFileURL } from "node:url";
import { dirname, join } from "node:path";

const root = dirname(dirname(fileURLToPath(import.meta.url)));
const entry = join(root, "dist", "src", "cli", "main.js");
if (!existsSync(entry)) {
  process.stderr.write("hordesim: the compiled CLI is missing; run `npm run build` (npm ci does it) in " + root + "\n");
  process.exit(1);
}
await import(pathToFileURL(entry).href);
