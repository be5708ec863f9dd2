// Where a completed request's time went, per arm and model: the wait (submitted → first popped by a worker) and
// the processing after it (first pop → done, retries included), over the requests submitted after the
// warm-up, all replications. Read from requests.csv's wait_s and first_pop_s columns when it has them, else
// joined with attempts.csv: the first pop is the earliest popped_s of the request's jobs. Request ids are dense
// within a replication, so the join keeps three numbers per completed request in arrays, not an object each.
import { quantileSorted } from "simple-statistics";

export interface ModelWaits {
  model: string;
  /** Completed requests with a known first pop. */
  n: number;
  wait_mean_s: number;
  processing_mean_s: number;
  wait_p50_s: number;
  wait_p90_s: number;
  wait_p99_s: number;
}

export interface WaitDigest {
  /** Where the first pops came from. */
  source: "requests.csv wait_s / first_pop_s" | "attempts.csv popped_s";
  /** Per arm, its models in the order first seen. */
  byPolicy: Record<string, ModelWaits[]>;
  /** Completed requests whose first pop was not found (no job in attempts.csv). */
  unmatched: number;
}

interface Pending {
  submitted: number[];
  done: number[];
  model: number[];
  firstPop: number[];
}

export class WaitCollector {
  private readonly models: string[] = [];
  private readonly modelIndex = new Map<string, number>();
  private readonly pending = new Map<string, Map<number, Pending>>();
  private readonly waits = new Map<string, Map<number, { waits: number[]; processing: number }>>();
  private direct = false;

  /** requests.csv has wait_s or first_pop_s: no join with attempts.csv is needed. */
  useColumns(): void {
    this.direct = true;
  }

  private modelId(model: string): number {
    let m = this.modelIndex.get(model);
    if (m === undefined) {
      m = this.models.length;
      this.models.push(model);
      this.modelIndex.set(model, m);
    }
    return m;
  }

  private add(policy: string, model: number, wait: number, processing: number): void {
    let arm = this.waits.get(policy);
    if (!arm) {
      arm = new Map();
      this.waits.set(policy, arm);
    }
    let w = arm.get(model);
    if (!w) {
      w = { waits: [], processing: 0 };
      arm.set(model, w);
    }
    w.waits.push(wait);
    w.processing += processing;
  }

  /**
   * A completed request submitted after the warm-up. `firstPop` and `wait` are NaN when requests.csv has no
   * such column; with useColumns() one of them is used, else the request waits for its jobs.
   */
  offerRequest(
    policy: string,
    rep: number,
    id: number,
    model: string,
    submitted: number,
    done: number,
    firstPop: number,
    wait: number,
  ): void {
    const m = this.modelId(model);
    if (this.direct) {
      // The split is at the first pop; wait_s (every spell in the queue, re-queues included) only stands in
      // when first_pop_s is missing.
      const pop = Number.isFinite(firstPop) ? firstPop : submitted + wait;
      const w = pop - submitted;
      if (Number.isFinite(w) && Number.isFinite(pop) && Number.isFinite(done)) this.add(policy, m, w, done - pop);
      return;
    }
    if (!Number.isInteger(id) || id < 0) return;
    const p = this.arm(policy, rep);
    p.submitted[id] = submitted;
    p.done[id] = done;
    p.model[id] = m;
  }

  private arm(policy: string, rep: number): Pending {
    let byRep = this.pending.get(policy);
    if (!byRep) {
      byRep = new Map();
      this.pending.set(policy, byRep);
    }
    let p = byRep.get(rep);
    if (!p) {
      p = { submitted: [], done: [], model: [], firstPop: [] };
      byRep.set(rep, p);
    }
    return p;
  }

  /** A job of a request: its pop time, kept when it is the earliest seen for the request. */
  offerAttempt(policy: string, rep: number, requestId: number, popped: number): void {
    if (this.direct || !Number.isFinite(popped) || !Number.isInteger(requestId) || requestId < 0) return;
    const p = this.arm(policy, rep);
    const seen = p.firstPop[requestId];
    if (seen === undefined || popped < seen) p.firstPop[requestId] = popped;
  }

  /** The digest, or null when no completed request had a known first pop. */
  finish(): WaitDigest | null {
    let unmatched = 0;
    for (const [policy, byRep] of this.pending) {
      for (const p of byRep.values()) {
        p.submitted.forEach((submitted, id) => {
          const pop = p.firstPop[id];
          if (pop === undefined) unmatched++;
          else this.add(policy, p.model[id], pop - submitted, p.done[id] - pop);
        });
      }
    }
    const byPolicy: Record<string, ModelWaits[]> = {};
    for (const [policy, arm] of this.waits) {
      byPolicy[policy] = [...arm.entries()]
        .sort((a, b) => a[0] - b[0])
        .map(([m, w]) => {
          const sorted = w.waits.sort((a, b) => a - b);
          const n = sorted.length;
          return {
            model: this.models[m],
            n,
            wait_mean_s: sorted.reduce((s, x) => s + x, 0) / n,
            processing_mean_s: w.processing / n,
            wait_p50_s: quantileSorted(sorted, 0.5),
            wait_p90_s: quantileSorted(sorted, 0.9),
            wait_p99_s: quantileSorted(sorted, 0.99),
          };
        });
    }
    if (Object.keys(byPolicy).length === 0) return null;
    return {
      source: this.direct ? "requests.csv wait_s / first_pop_s" : "attempts.csv popped_s",
      byPolicy,
      unmatched,
    };
  }
}
