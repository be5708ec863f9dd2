import { EventQueue } from "./event-queue.js";

export type Handler = (a: number, b: number) => void;

/**
 * The run loop: a clock, the event list and one handler per event kind.
 *
 * Cancellation is lazy and up to the caller: it passes the entity's generation counter in `b`, bumps the
 * counter to cancel or reschedule, and the handler returns at once when `b` is stale. A cancelled timer
 * thus costs one pop and nothing else.
 */
export class Simulator {
  now = 0;
  /** Events handled so far (stale ones included). */
  events = 0;
  readonly queue = new EventQueue(1024);
  /** Called before each handler, e.g. to hash the trajectory. */
  observer?: (time: number, kind: number, a: number, b: number) => void;
  private readonly handlers: Handler[] = [];
  private readonly names: string[] = [];
  private stopped = false;

  /** Returns the event kind to pass to schedule(). */
  register(name: string, handler: Handler): number {
    this.handlers.push(handler);
    this.names.push(name);
    return this.handlers.length - 1;
  }

  kindName(kind: number): string {
    return this.names[kind] ?? `kind ${kind}`;
  }

  schedule(time: number, kind: number, a = 0, b = 0): void {
    this.check(time, kind);
    this.queue.push(time, kind, a, b);
  }

  /** Like schedule(), but the event runs after every ordinary event of the same instant. */
  scheduleLate(time: number, kind: number, a = 0, b = 0): void {
    this.check(time, kind);
    this.queue.push(time, kind, a, b, true);
  }

  scheduleIn(delay: number, kind: number, a = 0, b = 0): void {
    this.schedule(this.now + delay, kind, a, b);
  }

  /** Ends run() after the current handler. */
  stop(): void {
    this.stopped = true;
  }

  /**
   * Handles every event with time ≤ horizon in (time, insertion) order, the clock reading each event's time;
   * then the clock reads the horizon (if finite), unless a handler called stop().
   */
  run(horizon: number): void {
    if (Number.isNaN(horizon)) throw new Error("run: the horizon is NaN");
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
    if (horizon > this.now && horizon < Number.POSITIVE_INFINITY) this.now = horizon;
  }

  private check(time: number, kind: number): void {
    if (!(time >= this.now)) {
      throw new Error(`cannot schedule ${this.kindName(kind)} at ${time}: the clock is at ${this.now}`);
    }
    if (this.handlers[kind] === undefined) throw new Error(`cannot schedule unregistered event kind ${kind}`);
  }
}
