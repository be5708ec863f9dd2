import { z } from "zod";
import { type RuleKind, ruleNames, ruleParamsSchema } from "../policies/registry.js";
import { duration, probability, rate } from "../scenario/units.js";
import { moduleFailureShape, ruleSchemas, scenarioSchema } from "./schema.js";

type Json = Record<string, unknown>;

/** The string forms units.ts accepts (parseDuration, parseRate), for editors. */
export const DURATION_PATTERN = "^\\s*(\\d+(\\.\\d+)?|\\.\\d+)\\s*(ms|s|m|min|h|d)?\\s*$";
export const RATE_PATTERN = "^\\s*(\\d+(\\.\\d+)?|\\.\\d+)\\s*/\\s*(s|sec|m|min|h|hour|d|day)\\s*$";

const durationJson: Json = {
  anyOf: [
    { type: "number", minimum: 0, description: "seconds" },
    { type: "string", pattern: DURATION_PATTERN, description: "e.g. 250ms, 150s, 20m, 1.5h, 2d" },
  ],
};
export const PERCENT_PATTERN = "^\\s*(\\d+(\\.\\d+)?|\\.\\d+)\\s*%\\s*$";
const probabilityJson: Json = {
  anyOf: [
    { type: "number", minimum: 0, maximum: 1, description: "a fraction from 0 to 1" },
    { type: "string", pattern: PERCENT_PATTERN, description: "a percentage, e.g. 20%" },
  ],
};
const rateJson: Json = {
  anyOf: [
    { type: "number", minimum: 0, description: "per second" },
    { type: "string", pattern: RATE_PATTERN, description: "e.g. 120/h, 2/min, 0.5/s" },
  ],
};

type Override = NonNullable<NonNullable<Parameters<typeof z.toJSONSchema>[1]>["override"]>;

/** Replaces the JSON of some zod nodes, keeping the description and default set on them. */
function replacing(replacements: Map<unknown, Json>): Override {
  return (ctx) => {
    const replacement = replacements.get(ctx.zodSchema);
    if (replacement === undefined) return;
    const json = ctx.jsonSchema as Json;
    const { description, default: dflt } = json;
    for (const key of Object.keys(json)) delete json[key];
    Object.assign(json, structuredClone(replacement));
    if (description !== undefined) json.description = description;
    if (dflt !== undefined) json.default = dflt;
  };
}

const unitReplacements = new Map<unknown, Json>([
  [duration.in, durationJson],
  [rate.in, rateJson],
  [probability.in, probabilityJson],
]);

function toJson(schema: z.ZodType, override: Override): Json {
  const { $schema: _, ...rest } = z.toJSONSchema(schema, { io: "input", unrepresentable: "any", override }) as Json;
  return rest;
}

/** A rule as written: its bare name, or {rule: NAME, ...its own constants}. */
function ruleJson(kind: RuleKind): Json {
  const names = ruleNames(kind);
  const objects = names.map((name) => {
    const params = ruleParamsSchema(kind, name);
    const p = params === undefined ? {} : toJson(params, replacing(unitReplacements));
    return {
      ...p,
      type: "object",
      properties: {
        rule: { const: name, description: `The ${kind} rule (docs/policies.md)` },
        ...((p.properties as Json | undefined) ?? {}),
      },
      required: ["rule", ...((p.required as string[] | undefined) ?? [])],
      additionalProperties: p.additionalProperties ?? false,
    };
  });
  return { anyOf: [{ type: "string", enum: names }, ...objects] };
}

/** A failure mode of one's own, as written: `mode` is the module's path, its constants beside the common fields. */
function moduleFailureJson(): Json {
  const json = toJson(moduleFailureShape, replacing(unitReplacements));
  const { module: _module, mode, ...common } = json.properties as Json;
  return {
    ...json,
    properties: { mode: { ...(mode as Json), const: undefined, pattern: "^(\\./|\\.\\./|/)" }, ...common },
    required: ["mode"],
    additionalProperties: true,
  };
}

/** The JSON Schema of scenario files (their input form), for editors. */
export function scenarioJsonSchema(): object {
  const replacements = new Map(unitReplacements);
  for (const kind of Object.keys(ruleSchemas) as RuleKind[]) replacements.set(ruleSchemas[kind], ruleJson(kind));
  replacements.set(moduleFailureShape, moduleFailureJson());
  return {
    $id: "https://github.com/hordesim/hordesim/schema/scenario.schema.json",
    title: "hordesim scenario",
    ...z.toJSONSchema(scenarioSchema, { io: "input", unrepresentable: "any", override: replacing(replacements) }),
  };
}

/** The text of schema/scenario.schema.json. */
export function scenarioJsonSchemaText(): string {
  return `${JSON.stringify(scenarioJsonSchema(), null, 2)}\n`;
}
