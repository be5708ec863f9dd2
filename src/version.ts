import { readFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";

function findVersion(): string {
  // src/version.ts under tests, dist/src/version.js when built: walk up to the package's own package.json
  let dir = dirname(fileURLToPath(import.meta.url));
  for (let i = 0; i < 5; i++) {
    try {
      const pkg = JSON.parse(readFileSync(join(dir, "package.json"), "utf8")) as { name?: string; version?: string };
      if (pkg.name === "hordesim" && typeof pkg.version === "string") return pkg.version;
    } catch {
      // no package.json here: look one folder up
    }
    dir = dirname(dir);
  }
  throw new Error("cannot find hordesim's package.json to read its version");
}

/** hordesim's version, from package.json: recorded in sweep results so that a merge can refuse a mix. */
export const HORDESIM_VERSION = findVersion();
