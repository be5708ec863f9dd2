// The one place the model calls the arm's rules: one list per hook, built when the arm is built, so that a
// hook no rule implements costs nothing and the order in which rules are asked is the arm's order.
import type { JobOutcome, Policy, ReassignmentRule, TimeoutRule } from "./policy.js";
import type { Request } from "./request.js";
import type { Job, Worker } from "./worker.js";

type With<K extends keyof ReassignmentRule> = ReassignmentRule & Required<Pick<ReassignmentRule, K>>;

function having<K extends keyof ReassignmentRule>(rules: readonly ReassignmentRule[], hook: K): With<K>[] {
  return rules.filter((r): r is With<K> => typeof r[hook] === "function");
}

export class RuleHooks {
  private readonly timeout: TimeoutRule;
  private readonly popAllowed: With<"popAllowedAt">[];
  private readonly take: With<"mayTake">[];
  private readonly popped: With<"onPop">[];
  private readonly ended: With<"onJobEnd">[];
  private readonly hedge: With<"hedgeDelay">[];
  private readonly mayHedgeRules: With<"mayHedge">[];

  constructor(policy: Policy) {
    this.timeout = policy.timeout;
    const rules = policy.rules;
    this.popAllowed = having(rules, "popAllowedAt");
    this.take = having(rules, "mayTake");
    this.popped = having(rules, "onPop");
    this.ended = having(rules, "onJobEnd");
    this.hedge = having(rules, "hedgeDelay");
    this.mayHedgeRules = having(rules, "mayHedge");
  }

  /** The latest time any rule lets the worker pop (now when all let it pop now). */
  popAllowedAt(w: Worker, now: number): number {
    let at = now;
    for (let i = 0, l = this.popAllowed; i < l.length; i++) at = Math.max(at, l[i].popAllowedAt(w, now));
    return at;
  }

  /** Every rule lets the worker take a job of the request. */
  mayTake(w: Worker, r: Request, now: number): boolean {
    for (let i = 0, l = this.take; i < l.length; i++) if (!l[i].mayTake(w, r, now)) return false;
    return true;
  }

  onPop(job: Job, r: Request, w: Worker, now: number): void {
    for (let i = 0, l = this.popped; i < l.length; i++) l[i].onPop(job, r, w, now);
  }

  /** The job was delivered `elapsed` seconds after its pop: the timeout rule, then the rules, learn of it. */
  onDelivered(job: Job, r: Request, w: Worker, elapsed: number, now: number): void {
    this.timeout.onDelivered?.(job, r, elapsed);
    this.onJobEnd(job, r, w, "success", now);
  }

  onJobEnd(job: Job, r: Request, w: Worker, outcome: JobOutcome, now: number): void {
    for (let i = 0, l = this.ended; i < l.length; i++) l[i].onJobEnd(job, r, w, outcome, now);
  }

  /** The earliest hedge delay any rule asks for (Infinity: none). */
  hedgeDelay(job: Job, r: Request, w: Worker, now: number): number {
    let delay = Number.POSITIVE_INFINITY;
    for (let i = 0, l = this.hedge; i < l.length; i++) delay = Math.min(delay, l[i].hedgeDelay(job, r, w, now));
    return delay;
  }

  /** Every rule lets a duplicate be issued now. */
  mayHedge(jobsIssued: number, hedgesIssued: number): boolean {
    for (let i = 0, l = this.mayHedgeRules; i < l.length; i++)
      if (!l[i].mayHedge(jobsIssued, hedgesIssued)) return false;
    return true;
  }
}
