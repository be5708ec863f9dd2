// The users' side: requests arriving, the client checking on them, and resubmitting a failed one.
//
// Rules (shared/horde-model.md, DESIGN §5):
// - §1.1 a request (POST /v2/generate/async) asks for n images of one template; it arrives on a stream, a
//   piecewise-constant Poisson process or given times, its template drawn from the stream's mix by weight.
// - §1.3 its expiry starts at submission + 20 min.
// - §1.8 the client polls the request (GET /v2/generate/check) every `client.poll_interval` from
//   submission, so it sees the end up to one interval late (seen_s).
// - the client resubmits a failed or expired request `client.resubmit.delay` after it saw the failure, up to
//   `client.resubmit.max` times; the user's record follows the request across resubmissions.

import type { RequestTemplate } from "../scenario/types.js";
import { emitRequest, emitUser } from "./records.js";
import { Request } from "./request.js";
import { maybeFree } from "./retention.js";
import { syncQueue } from "./server-queue.js";
import type { HordeState } from "./state.js";

/** Schedules each stream's first arrival. */
export function startArrivals(s: HordeState): void {
  const sc = s.scenario;
  sc.arrivals.forEach((stream, i) => {
    s.arrivalRng.push(s.streams.stream(`arrivals/${stream.name}`));
    s.mixRng.push(s.streams.stream(`mix/${stream.name}`));
    s.mixTotals.push(stream.mix.reduce((sum, t) => sum + t.weight, 0));
    const first = stream.times !== null ? (stream.times[0] ?? Number.POSITIVE_INFINITY) : nextArrival(s, i, 0);
    if (first <= sc.horizon) s.sim.schedule(first, s.evArrive, i, 0);
  });
}

/** The next arrival after t of a piecewise-constant Poisson stream (exact: memoryless across segments). */
function nextArrival(s: HordeState, stream: number, t: number): number {
  const segs = s.scenario.arrivals[stream].rate;
  let remaining = -Math.log(1 - s.arrivalRng[stream].next());
  let cur = t;
  let i = 0;
  while (i + 1 < segs.length && segs[i + 1].from <= cur) i++;
  for (;;) {
    const end = i + 1 < segs.length ? segs[i + 1].from : Number.POSITIVE_INFINITY;
    const rate = segs[i].rate;
    if (rate > 0) {
      const dt = remaining / rate;
      if (cur + dt < end) return cur + dt;
      remaining -= (end - cur) * rate;
    }
    if (end === Number.POSITIVE_INFINITY) return Number.POSITIVE_INFINITY;
    cur = end;
    i++;
  }
}

export function onArrive(s: HordeState, stream: number, index: number): void {
  const now = s.sim.now;
  const arrivals = s.scenario.arrivals[stream];
  let u = s.mixRng[stream].next() * s.mixTotals[stream];
  let template = arrivals.mix[arrivals.mix.length - 1];
  for (const t of arrivals.mix) {
    if (u < t.weight) {
      template = t;
      break;
    }
    u -= t.weight;
  }
  submit(s, template, arrivals.name, -1, now, 0, s.arrivalCount++);
  const times = arrivals.times;
  const next = times !== null ? (times[index + 1] ?? Number.POSITIVE_INFINITY) : nextArrival(s, stream, now);
  if (next <= s.scenario.horizon) s.sim.schedule(Math.max(now, next), s.evArrive, stream, index + 1);
}

export function onResubmit(s: HordeState, previous: number): void {
  const p = s.requests[previous];
  p.resubmitPending = false;
  submit(s, p.template, p.stream, p.originId, p.originSubmitted, p.resubmission + 1, p.arrival);
  maybeFree(s, p);
}

function submit(
  s: HordeState,
  template: RequestTemplate,
  stream: string,
  origin: number,
  originSubmitted: number,
  resubmission: number,
  arrival: number,
): Request {
  const now = s.sim.now;
  const id = s.requests.length;
  const r = new Request(
    id,
    template,
    stream,
    now,
    origin < 0 ? id : origin,
    resubmission,
    now + s.scenario.server.expiry.normal,
    origin < 0 ? now : originSubmitted,
  );
  r.arrival = arrival;
  s.requests.push(r);
  s.liveRequestCount++;
  s.live.push(id);
  s.emit("submit", id, -1, -1);
  syncQueue(s, r);
  return r;
}

/** The request has ended on the server: its record, then what the client does when it sees the end. */
export function finishRequest(s: HordeState, r: Request, outcome: "completed" | "faulted" | "expired"): void {
  const now = s.sim.now;
  r.done = true;
  r.doneAt = now;
  r.outcome = outcome;
  syncQueue(s, r);
  const seen = seenAt(s, r.submitted, now);
  emitRequest(s, r, seen);
  const client = s.scenario.client;
  if (outcome !== "completed" && r.resubmission < client.resubmit.max) {
    const at = seen + s.sampler(client.resubmit.delay)(s.clientRng);
    if (at <= s.scenario.horizon) {
      r.resubmitPending = true;
      s.sim.schedule(at, s.evResubmit, r.id, 0);
      return;
    }
  }
  emitUser(s, r, outcome, seen);
  maybeFree(s, r);
}

/** When the user's client, checking every poll interval since submission, sees the end. */
function seenAt(s: HordeState, submitted: number, done: number): number {
  const p = s.scenario.client.poll_interval;
  if (p <= 0) return done;
  return submitted + Math.ceil((done - submitted) / p) * p;
}
