// The CSV tables `analyze` writes into its folder: named here, below both the analysis that writes them and the
// output-folder checks that recognise a folder analyze wrote.
export const ANALYSIS_CSV_FILES = [
  "aborts_by_worker.csv",
  "configs.csv",
  "timelines.csv",
  "faulted.csv",
  "aborts_by_hour.csv",
  "deliveries_by_worker.csv",
] as const;
