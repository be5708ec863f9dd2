// `hordesim analyze --out DIR`: analysis.md, the CSV tables and the chart, written into a temporary sibling
// folder and put in place whole at the end.
import { writeFileSync } from "node:fs";
import { basename } from "node:path";
import { ANALYSIS_CSV_FILES } from "../analysis-tables.js";
import type { OutputFolder } from "../results/output-folder.js";
import type { LogAnalysis } from "./analyze-logs.js";
import { abortsByWorkerSpec } from "./chart.js";
import { csvText } from "./csv-table.js";
import { renderAnalysisMd } from "./report-md.js";
import {
  abortsByHour,
  abortsByWorker,
  deliveriesByWorker,
  failedConfigs,
  faultedRows,
  timelineRows,
} from "./tables.js";

export const CSV_FILES = ANALYSIS_CSV_FILES;

/**
 * Writes the files into a folder opened (and so checked) before the log was read, and puts it in place;
 * returns the names of the files written, relative to it.
 */
export async function writeAnalysis(analysis: LogAnalysis, folder: OutputFolder, charts: boolean): Promise<string[]> {
  const written: string[] = [];
  const put = (name: string, data: string | Buffer) => {
    writeFileSync(folder.path(name), data);
    written.push(name);
  };
  try {
    const a = analysis.analyzer;
    const workers = abortsByWorker(a);
    put("analysis.md", renderAnalysisMd(a, analysis.stats, analysis.files));
    put(
      "aborts_by_worker.csv",
      csvText(
        [
          "worker",
          "worker_id",
          "aborts",
          "share",
          "timeouts",
          "reported_faults",
          "unknown_cause",
          "pops",
          "abort_rate",
          "median_s_pop_to_timeout",
          "median_s_pop_to_fault",
        ],
        workers,
      ),
    );
    put(
      "configs.csv",
      csvText(
        [
          "config",
          "width",
          "height",
          "steps",
          "sampler",
          "ttl_s",
          "aborts",
          "share",
          "timeouts",
          "reported_faults",
          "unknown_cause",
          "requests",
          "faulted_requests",
          "median_s_pop_to_timeout",
        ],
        failedConfigs(a),
      ),
    );
    put(
      "timelines.csv",
      csvText(
        ["wp", "seq", "time", "event", "job", "worker", "since_previous_s", "since_pop_s", "ttl_s", "cause"],
        timelineRows(a),
      ),
    );
    put(
      "faulted.csv",
      csvText(
        ["wp", "time", "config", "n", "pops", "aborts", "first_pop", "s_from_first_pop", "workers"],
        faultedRows(a),
      ),
    );
    put(
      "aborts_by_hour.csv",
      csvText(
        ["hour", "pops", "deliveries", "aborts", "timeouts", "reported_faults", "faulted_requests"],
        abortsByHour(a),
      ),
    );
    put(
      "deliveries_by_worker.csv",
      csvText(
        [
          "worker",
          "deliveries",
          "cancelled",
          "pops",
          "timed",
          "mean_s",
          "median_s",
          "p90_s",
          "min_s",
          "max_s",
          "aborts",
          "unfinished",
        ],
        deliveriesByWorker(a),
      ),
    );
    if (charts) {
      const { renderChart } = await import("../report/render.js");
      const { specJson } = await import("../report/render-report.js");
      const spec = abortsByWorkerSpec(workers, analysis.files.map((f) => basename(f)).join(", "));
      const r = await renderChart(spec);
      put("charts/aborts_by_worker.vl.json", specJson(spec));
      put("charts/aborts_by_worker.svg", r.svg);
      put("charts/aborts_by_worker.png", r.png);
    }
    folder.commit();
    return written;
  } catch (e) {
    folder.abort();
    throw e;
  }
}
