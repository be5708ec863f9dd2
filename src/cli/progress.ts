// The progress bar of `run` and `sweep` on stderr: runs done, events per second and the time left. Silent when
// stderr is not a terminal (a batch job's log gets only the summary line at the end) and with --quiet.
import cliProgress from "cli-progress";

export class RunProgress {
  private bar: cliProgress.SingleBar | null = null;
  private events = 0;
  private todo = 0;
  private done = 0;
  private startedAt = 0;

  /** `label` starts the line ("run", "sweep"); a null stream shows nothing. */
  constructor(
    private readonly stream: NodeJS.WriteStream | null,
    private readonly label: string,
  ) {}

  /** `todo` runs to go of `total` (the others were done by an earlier, interrupted try). */
  start(todo: number, total: number): void {
    if (this.stream === null || !this.stream.isTTY || todo === 0) return;
    this.todo = todo;
    this.startedAt = performance.now();
    this.bar = new cliProgress.SingleBar(
      {
        stream: this.stream,
        format: `${this.label} [{bar}] {value}/{total} runs${todo < total ? ` (+${total - todo} done before)` : ""} | {eps} events/s | {eta_formatted} left`,
        barsize: 30,
        hideCursor: true,
        etaBuffer: 20,
      },
      cliProgress.Presets.shades_classic,
    );
    this.bar.start(todo, 0, { eps: "—" });
  }

  /** One run finished with `events` events; after the last one the bar is done (before charts are drawn). */
  tick(events: number): void {
    this.events += events;
    if (this.bar === null) return;
    const seconds = (performance.now() - this.startedAt) / 1000;
    this.bar.increment(1, { eps: Math.round(this.events / Math.max(seconds, 1e-9)).toLocaleString("en-US") });
    if (++this.done === this.todo) this.stop();
  }

  /** Draws the final state and ends the line; again does nothing. */
  stop(): void {
    this.bar?.stop();
    this.bar = null;
  }
}
