// Regenerates the editor schema: npx tsx src/scenario-file/write-json-schema.ts [OUT] (default schema/scenario.schema.json).
import { mkdirSync, renameSync, writeFileSync } from "node:fs";
import { dirname } from "node:path";
import { scenarioJsonSchemaText } from "./json-schema.js";

const out = process.argv[2] ?? "schema/scenario.schema.json";
mkdirSync(dirname(out), { recursive: true });
writeFileSync(`${out}.tmp`, scenarioJsonSchemaText());
renameSync(`${out}.tmp`, out);
process.stdout.write(`wrote ${out}\n`);
