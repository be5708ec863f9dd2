import type { CommandModule } from "yargs";
import { type BundleLoad, type FleetFit, fleetFit, type UnservedKind } from "../../horde/fleet-fit.js";
import type { Scenario } from "../../scenario/types.js";
import {
  formatPath,
  formatProblem,
  positionIn,
  readScenarioText,
  readScenarioYaml,
  type Segment,
  validateScenarioData,
} from "../../scenario-file/load.js";
import { closest } from "../../scenario-file/messages.js";
import { loadReferencedModules } from "../../user-rules/load.js";
import { Output, type OutputArgs, outputOptions } from "../output.js";

const perHour = (perSecond: number) => `${Number((perSecond * 3600).toPrecision(3))}/h`;
const percent = (share: number) => `${Number((share * 100).toPrecision(2))} %`;
const fixed = (x: number, digits: number) => x.toFixed(digits);

/** Where the problem of a kind of request is written in the file. */
function pathOf(u: UnservedKind): Segment[] {
  const { stream, template, model } = u.kind;
  if (u.problem.reason === "model")
    return model === null
      ? ["arrivals", stream, "mix", template, "model"]
      : ["arrivals", stream, "models", model, "name"];
  return ["arrivals", stream, "mix", template];
}

function warningText(u: UnservedKind, sc: Scenario): string {
  const stream = sc.arrivals[u.kind.stream];
  const t = u.kind.request;
  const what = `${percent(u.kind.share)} of stream ${stream.name}'s requests (${perHour(u.imagesPerSecond / t.n)})`;
  const p = u.problem;
  switch (p.reason) {
    case "model": {
      const near = closest(p.model, p.served);
      const hint =
        near === undefined ? `; the workers serve ${p.served.join(", ") || "no model"}` : ` (did you mean "${near}"?)`;
      return `no worker serves model "${p.model}"${hint}: ${what} will wait until they expire`;
    }
    case "size":
      return `${t.width}×${t.height} (${p.pixels} pixels) is larger than the max_pixels of every worker serving ${t.model === null ? "it" : `"${t.model}"`} (at most ${p.maxPixels}): ${what} will wait until they expire`;
    case "extra-slow":
      return `only extra-slow workers could take it and it does not allow them (extra_slow_workers: false): ${what} will wait until they expire`;
    case "ttl":
      return `${t.steps} steps at ${t.width}×${t.height} take about ${Math.round(p.seconds)} s on the fastest workers that may take it, more than the Horde's TTL of ${Math.round(p.ttl)} s: ${what} will be aborted at the TTL and fail after 3 strikes`;
  }
}

function hourRange(h: number): string {
  const pad = (x: number) => `${String(x).padStart(2, "0")}:00`;
  const day = Math.floor(h / 24);
  return `${day > 0 ? `day ${day + 1} ` : ""}${pad(h % 24)}–${pad((h % 24) + 1)}`;
}

function bundleName(b: BundleLoad): string {
  const models = b.models.map((m) => m ?? "(any model)");
  const text = models.length <= 3 ? models.join(", ") : `${models.slice(0, 3).join(", ")} +${models.length - 3}`;
  return text;
}

function loadTable(bundles: BundleLoad[]): string[] {
  const header = [
    "bundle (models)",
    "workers",
    "threads",
    "capacity MPS/s",
    "mean MPS/s",
    "ρ mean",
    "peak hour",
    "peak MPS/s",
    "ρ peak",
  ];
  const rows = bundles.map((b) => [
    bundleName(b),
    String(b.workers),
    String(b.threads),
    fixed(b.capacity, 1),
    fixed(b.meanOffered, 1),
    fixed(b.meanLoad, 2),
    hourRange(b.peakHour),
    fixed(b.peakOffered, 1),
    fixed(b.peakLoad, 2),
  ]);
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i].length)));
  const line = (cells: string[]) =>
    `  ${cells.map((c, i) => (i === 0 ? c.padEnd(widths[i]) : c.padStart(widths[i]))).join("  ")}`.trimEnd();
  const over = bundles.filter((b) => b.peakLoad >= 1);
  return [
    "offered load ρ per model bundle (offered MPS/s ÷ the bundle's capacity with every thread busy, failures left out):",
    line(header),
    ...rows.map(line),
    ...(over.length > 0
      ? [`  ρ ≥ 1 in the peak hour: the queue of ${over.map(bundleName).join("; ")} grows through that hour`]
      : []),
  ];
}

export const validateCommand: CommandModule<object, { file: string } & OutputArgs> = {
  command: "validate <file>",
  describe:
    "Check a scenario file: every problem as file:line:col, warnings about requests no worker takes, the offered load",
  builder: (y) =>
    outputOptions(y.positional("file", { type: "string", demandOption: true, describe: "Scenario YAML file" })).example(
      "$0 validate scenarios/incident-2025-09-29.yaml",
      "check the incident day and print how busy each model bundle is",
    ),
  handler: async (argv) => {
    const yaml = readScenarioYaml(readScenarioText(argv.file), argv.file);
    await loadReferencedModules(yaml);
    const scenario = validateScenarioData(yaml.data, yaml);
    const out = new Output(argv);
    const workers = scenario.workers.reduce((n, g) => n + g.count, 0);
    const overridden = scenario.arrivals.some((a) => a.mix.some((t) => t.job_time !== null));
    const fit: FleetFit = fleetFit(scenario);
    const warnings = fit.unserved.map((u) => {
      const path = pathOf(u);
      const { line, col } = positionIn(yaml, path);
      return {
        file: argv.file,
        line,
        col,
        path: formatPath(path),
        message: warningText(u, scenario),
        reason: u.problem.reason,
      };
    });
    for (const w of warnings) out.warn(`warning: ${formatProblem(w)}`);
    out.result(
      `${argv.file}: ok${warnings.length > 0 ? ` with ${warnings.length} warning(s)` : ""} — "${scenario.name}", ${scenario.arrivals.length} arrival stream(s), ${workers} worker(s) in ${scenario.workers.length} group(s), ${scenario.policies.length} policy arm(s): ${scenario.policies.map((p) => p.name).join(", ")}`,
      ...(overridden
        ? ["offered load: not computed (a request template overrides job_time)"]
        : fit.bundles.length > 0
          ? loadTable(fit.bundles)
          : []),
    );
    out.document({
      file: argv.file,
      ok: true,
      name: scenario.name,
      arrivals: scenario.arrivals.length,
      workers,
      groups: scenario.workers.length,
      policies: scenario.policies.map((p) => p.name),
      warnings,
      bundles: overridden
        ? null
        : fit.bundles.map((b) => ({
            groups: b.groups,
            models: b.models,
            workers: b.workers,
            threads: b.threads,
            capacity_mps_per_s: b.capacity,
            mean_offered_mps_per_s: b.meanOffered,
            mean_load: b.meanLoad,
            peak_hour: b.peakHour,
            peak_offered_mps_per_s: b.peakOffered,
            peak_load: b.peakLoad,
          })),
    });
  },
};
