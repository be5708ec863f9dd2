// `npm run fingerprints`: recomputes the trajectory fingerprints of every shipped scenario into
// test/fingerprints.json. Commit the new file only with a message that says why behaviour changed.
import { readdirSync, writeFileSync } from "node:fs";
import { dirname, join, relative } from "node:path";
import { fileURLToPath } from "node:url";
import { loadScenarioFile } from "../scenario-file/load.js";
import { trajectoryFingerprint } from "./fingerprint.js";

export const FINGERPRINT_SEED = 1;

export function shippedScenarios(root: string): string[] {
  const dirs = [join(root, "scenarios"), join(root, "scenarios", "validation")];
  return dirs.flatMap((d) =>
    readdirSync(d)
      .filter((f) => f.endsWith(".yaml"))
      .sort()
      .map((f) => join(d, f)),
  );
}

export function computeFingerprints(root: string): Record<string, Record<string, string>> {
  const out: Record<string, Record<string, string>> = {};
  for (const file of shippedScenarios(root)) {
    const sc = loadScenarioFile(file);
    const arms: Record<string, string> = {};
    for (const arm of sc.policies) arms[arm.name] = trajectoryFingerprint(sc, arm, FINGERPRINT_SEED);
    out[relative(root, file)] = arms;
  }
  return out;
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  const root = join(dirname(fileURLToPath(import.meta.url)), "..", "..", "..");
  const target = join(root, "test", "fingerprints.json");
  writeFileSync(target, `${JSON.stringify(computeFingerprints(root), null, 2)}\n`);
  process.stdout.write(`wrote ${target}\n`);
}
