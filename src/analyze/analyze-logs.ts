import { Analyzer, type AnalyzerHooks } from "./analyzer.js";
import { readLogs } from "./read-log.js";
import type { ReadStats } from "./read-stats.js";

export interface LogAnalysis {
  files: string[];
  stats: ReadStats;
  analyzer: Analyzer;
}

/** Reads the logs once, merged in time order, and joins their events. */
export async function analyzeLogs(files: readonly string[], hooks: AnalyzerHooks = {}): Promise<LogAnalysis> {
  const analyzer = new Analyzer(hooks);
  const stats = await readLogs(files, (e) => analyzer.handle(e));
  analyzer.finish();
  return { files: [...files], stats, analyzer };
}
