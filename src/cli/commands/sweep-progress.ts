// The sweep's progress bar on stderr: runs done, events per second and the time left. Silent when stderr is
// not a terminal (a batch job's log gets only the summary line at the end).
import cliProgress from "cli-progress";

export class SweepProgress {
  private bar: cliProgress.SingleBar | null = null;
  private events = 0;
  private startedAt = 0;

  constructor(private readonly stream: NodeJS.WriteStream) {}

  start(todo: number, total: number): void {
    if (!this.stream.isTTY || todo === 0) return;
    this.startedAt = performance.now();
    this.bar = new cliProgress.SingleBar(
      {
        stream: this.stream,
        format: `sweep [{bar}] {value}/{total} runs${todo < total ? ` (+${total - todo} done before)` : ""} | {eps} events/s | {eta_formatted} left`,
        barsize: 30,
        hideCursor: true,
        etaBuffer: 20,
      },
      cliProgress.Presets.shades_classic,
    );
    this.bar.start(todo, 0, { eps: "—" });
  }

  tick(events: number): void {
    this.events += events;
    if (this.bar === null) return;
    const seconds = (performance.now() - this.startedAt) / 1000;
    this.bar.increment(1, { eps: Math.round(this.events / Math.max(seconds, 1e-9)).toLocaleString("en-US") });
  }

  stop(): void {
    this.bar?.stop();
    this.bar = null;
  }
}
