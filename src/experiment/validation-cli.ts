// `npm run validate`: every validation case at full size, as a table; exit 1 when a check fails.
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { formatValidation, runValidation } from "./validation.js";

const root = join(dirname(fileURLToPath(import.meta.url)), "..", "..", "..");
const started = performance.now();
const rows = runValidation({ dir: join(root, "scenarios", "validation") });
process.stdout.write(`${formatValidation(rows)}\n`);
const failed = rows.filter((r) => !r.ok).length;
process.stdout.write(
  `\n${rows.length - failed} passed, ${failed} failed — a check passes when the theoretical value lies inside the simulator's 95 % interval over replications (Student t), or matches exactly where marked.\n`,
);
process.stderr.write(`validation took ${((performance.now() - started) / 1000).toFixed(1)} s\n`);
process.exitCode = failed > 0 ? 1 : 0;
