// The users' side: requests arriving, the client checking on them, and resubmitting a failed one.
//
// Rules (docs/model.md):
// - §1.1 a request (POST /v2/generate/async) asks for n images of one template; it arrives on a stream, a
//   piecewise-constant Poisson process (repeated every period for a daily profile) or given times, its
//   template drawn from the stream's mix by weight, then (when the stream names them) its user class and its
//   model, each from its own random stream.
// - §2.1 the request's initial priority is its user's kudos (the class's draw replaces the template's).
// - §1.3 its expiry starts at submission + 20 min.
// - §1.8 the client polls the request (GET /v2/generate/check) every `client.poll_interval` from
//   submission, so it sees the end up to one interval late (seen_s).
// - the client resubmits a failed or expired request `client.resubmit.delay` after it saw the failure, up to
//   `client.resubmit.max` times; the user's record follows the request across resubmissions.
// - §1.7 a user whose class has a patience gives up that long after the first submission: the client cancels
//   the request as DELETE /v2/generate/status/{id} does (AI-Horde ImageAsyncStatus.delete): n = 0 and
//   jobs = finished, nothing else. Its jobs in flight run on: one delivered is paid as any other, one aborted
//   by the stale sweep still does n += 1 and sends the request out again (the stale path has no guard), one
//   reported faulted does not (_set_generation_inner's guard). The user's outcome is abandoned, recorded when
//   it gives up; the server finishes with the request whenever it does.

import type { ArrivalStream, RequestTemplate, UserClass } from "../scenario/types.js";
import { emitRequest, emitUser } from "./records.js";
import { Request } from "./request.js";
import { maybeFree } from "./retention.js";
import { syncQueue } from "./server-queue.js";
import { checkCompleted } from "./server-submit.js";
import type { HordeState } from "./state.js";

/** Schedules each stream's first arrival. */
export function startArrivals(s: HordeState): void {
  const sc = s.scenario;
  sc.arrivals.forEach((stream, i) => {
    s.arrivalRng.push(s.streams.stream(`arrivals/${stream.name}`));
    s.mixRng.push(s.streams.stream(`mix/${stream.name}`));
    s.mixTotals.push(stream.mix.reduce((sum, t) => sum + t.weight, 0));
    s.classRng.push(stream.classes.length > 0 ? s.streams.stream(`classes/${stream.name}`) : null);
    s.modelRng.push(stream.models.length > 0 ? s.streams.stream(`models/${stream.name}`) : null);
    s.patienceRng.push(
      stream.classes.some((c) => c.patience !== null) ? s.streams.stream(`patience/${stream.name}`) : null,
    );
    s.classTotals.push(stream.classes.reduce((sum, c) => sum + c.weight, 0));
    s.modelTotals.push(stream.models.reduce((sum, m) => sum + m.weight, 0));
    s.templateVariants.push([]);
    const first = stream.times !== null ? (stream.times[0] ?? Number.POSITIVE_INFINITY) : nextArrival(s, i, 0);
    if (first <= sc.horizon) s.sim.schedule(first, s.evArrive, i, 0);
  });
}

/** The next arrival after t of a piecewise-constant Poisson stream (exact: memoryless across segments). */
function nextArrival(s: HordeState, stream: number, t: number): number {
  const a = s.scenario.arrivals[stream];
  const segs = a.rate;
  const period = a.period ?? Number.POSITIVE_INFINITY;
  let remaining = -Math.log(1 - s.arrivalRng[stream].next());
  let start = a.period === null ? 0 : Math.floor(t / a.period) * a.period;
  let cur = t - start;
  let i = 0;
  while (i + 1 < segs.length && segs[i + 1].from <= cur) i++;
  for (;;) {
    const end = i + 1 < segs.length ? segs[i + 1].from : period;
    const rate = segs[i].rate;
    if (rate > 0) {
      const dt = remaining / rate;
      if (cur + dt < end) return start + cur + dt;
      remaining -= (end - cur) * rate;
    }
    if (end === Number.POSITIVE_INFINITY) return Number.POSITIVE_INFINITY;
    cur = end;
    i++;
    if (i === segs.length) {
      // The next period: a profile whose every rate is 0 never gets here (the schema needs one positive hour).
      start += period;
      cur = 0;
      i = 0;
    }
  }
}

/** The index drawn from weights by a uniform u (the last one when rounding leaves u past the end). */
function drawIndex(weights: readonly { weight: number }[], total: number, u: number): number {
  let left = u * total;
  for (let i = 0; i < weights.length; i++) {
    if (left < weights[i].weight) return i;
    left -= weights[i].weight;
  }
  return weights.length - 1;
}

/**
 * The class, kudos and template of one arrival: the template with the drawn model and the class's user, one
 * object per combination, kept (the pop filters key on the template object).
 */
function drawArrival(
  s: HordeState,
  stream: number,
  a: ArrivalStream,
  templateIndex: number,
): { userClass: UserClass | null; kudos: number; template: RequestTemplate } {
  const template = a.mix[templateIndex];
  const classRng = s.classRng[stream];
  const modelRng = s.modelRng[stream];
  if (classRng === null && modelRng === null) return { userClass: null, kudos: template.kudos, template };
  let userClass: UserClass | null = null;
  let kudos = template.kudos;
  let ci = 0;
  if (classRng !== null) {
    ci = drawIndex(a.classes, s.classTotals[stream], classRng.next());
    userClass = a.classes[ci];
    kudos = s.sampler(userClass.kudos)(classRng);
  }
  const mi = modelRng !== null ? drawIndex(a.models, s.modelTotals[stream], modelRng.next()) : 0;
  const slot = (templateIndex * Math.max(1, a.models.length) + mi) * Math.max(1, a.classes.length) + ci;
  const variants = s.templateVariants[stream];
  let v = variants[slot];
  if (v === undefined) {
    const model = modelRng !== null ? a.models[mi].name : template.model;
    const user = userClass?.user ?? template.user;
    v = model === template.model && user === template.user ? template : { ...template, model, user };
    variants[slot] = v;
  }
  return { userClass, kudos, template: v };
}

export function onArrive(s: HordeState, stream: number, index: number): void {
  const now = s.sim.now;
  const arrivals = s.scenario.arrivals[stream];
  const templateIndex = drawIndex(arrivals.mix, s.mixTotals[stream], s.mixRng[stream].next());
  const drawn = drawArrival(s, stream, arrivals, templateIndex);
  const r = submit(s, drawn.template, arrivals.name, -1, now, 0, s.arrivalCount++, drawn.kudos);
  if (drawn.userClass !== null) {
    r.userClass = drawn.userClass.name;
    const patience = drawn.userClass.patience;
    const rng = s.patienceRng[stream];
    if (patience !== null && rng !== null) {
      r.giveUpAt = now + Math.max(0, s.sampler(patience)(rng));
      scheduleGiveUp(s, r);
    }
  }
  const times = arrivals.times;
  const next = times !== null ? (times[index + 1] ?? Number.POSITIVE_INFINITY) : nextArrival(s, stream, now);
  if (next <= s.scenario.horizon) s.sim.schedule(Math.max(now, next), s.evArrive, stream, index + 1);
}

export function onResubmit(s: HordeState, previous: number): void {
  const p = s.requests[previous];
  p.resubmitPending = false;
  const r = submit(s, p.template, p.stream, p.originId, p.originSubmitted, p.resubmission + 1, p.arrival, p.kudos);
  r.userClass = p.userClass;
  r.giveUpAt = p.giveUpAt;
  scheduleGiveUp(s, r);
  maybeFree(s, p);
}

export function submit(
  s: HordeState,
  template: RequestTemplate,
  stream: string,
  origin: number,
  originSubmitted: number,
  resubmission: number,
  arrival: number,
  kudos: number,
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
    kudos,
  );
  r.arrival = arrival;
  s.requests.push(r);
  s.liveRequestCount++;
  s.live.push(id);
  s.emit("submit", id, -1, -1);
  syncQueue(s, r);
  return r;
}

function scheduleGiveUp(s: HordeState, r: Request): void {
  if (r.giveUpAt <= s.scenario.horizon) s.sim.schedule(Math.max(s.sim.now, r.giveUpAt), s.evGiveUp, r.id, 0);
}

/** The user gives up on a request not done yet: the client cancels it (DELETE), the user's record is out. */
export function onGiveUp(s: HordeState, rid: number): void {
  const r = s.requests[rid];
  if (r === undefined || r.done || r.outcome === "abandoned") return;
  const now = s.sim.now;
  r.outcome = "abandoned";
  r.doneAt = now;
  r.n = 0;
  r.jobs = r.completedJobs + r.faultedJobs;
  s.emit("abandon", r.id, -1, -1);
  emitRequest(s, r, now);
  emitUser(s, r, "abandoned", now);
  checkCompleted(s, r);
  syncQueue(s, r);
}

/** The request has ended on the server: its record, then what the client does when it sees the end. */
export function finishRequest(s: HordeState, r: Request, outcome: "completed" | "faulted" | "expired"): void {
  const now = s.sim.now;
  if (r.outcome === "abandoned") {
    // The user has gone already (its records are out): the server is done with the request.
    r.done = true;
    syncQueue(s, r);
    maybeFree(s, r);
    return;
  }
  r.done = true;
  r.doneAt = now;
  r.outcome = outcome;
  syncQueue(s, r);
  const seen = seenAt(s, r.submitted, now);
  emitRequest(s, r, seen);
  const client = s.scenario.client;
  if (outcome !== "completed" && r.resubmission < client.resubmit.max) {
    const at = seen + s.sampler(client.resubmit.delay)(s.clientRng);
    // A user who will have given up by then does not resubmit.
    if (at <= s.scenario.horizon && at < r.giveUpAt) {
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
