import { EventQueue } from "./event-queue.js";

export type Handler = (a: number, b: number) => void;

/**
 * The run loop: a clock, the event list and one handler per event kind. Cancellation is lazy and up to the
 * caller: it passes a generation token in `b`, bumps the entity's generation to cancel, and the handler
 * ignores an event whose token is stale, so a cancelled timer costs one pop and nothing else.
 */
export class Simulator {
  now = 0;
  /** Events handled so far. */
  events = 0;
  readonly queue = new EventQueue(1024);
  observer?: (time: number, kind: number, a: number, b: number) => void;
  private readonly handlers: Handler[] = [];
  private readonly names: string[] = [];
  private stopped = false;

  register(name: string, handler: Handler): number {
    this.handlers.push(handler);
    this.names.push(name);
    return this.handlers.length - 1;
  }

  kindName(kind: number): string {
    return this.names[kind] ?? `kind ${kind}`;
  }

  schedule(time: number, kind: number, a = 0, b = 0): void {
    if (!(time >= this.now)) {
      throw new Error(`cannot schedule ${this.kindName(kind)} at ${time}: the clock is at ${this.now}`);
    }
    this.queue.push(time, kind, a, b);
  }

  /** Like schedule, but the event runs after every ordinary event of the same instant. */
  scheduleLate(time: number, kind: number, a = 0, b = 0): void {
    if (!(time >= this.now)) {
      throw new Error(`cannot schedule ${this.kindName(kind)} at ${time}: the clock is at ${this.now}`);
    }
    this.queue.push(time, kind, a, b, true);
  }

  scheduleIn(delay: number, kind: number, a = 0, b = 0): void {
    this.schedule(this.now + delay, kind, a, b);
  }

  stop(): void {
    this.stopped = true;
  }

  /** Handles every event with time ≤ horizon in (time, insertion) order; then the clock reads the horizon. */
  run(horizon: number): void {
    const q = this.queue;
    const handlers = this.handlers;
    this.stopped = false;
    while (q.size > 0 && q.peekTime() <= horizon) {
      q.pop();
      this.now = q.time;
      this.events++;
      if (this.observer !== undefined) this.observer(q.time, q.kind, q.a, q.b);
      handlers[q.kind](q.a, q.b);
      if (this.stopped) return;
    }
    if (horizon > this.now) this.now = horizon;
  }
}
