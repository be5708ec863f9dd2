// Textbook queueing results the simulator is validated against.

/** Erlang C: the probability that an arrival waits in an M/M/c queue with offered load a = λ/μ < c. */
export function erlangC(c: number, a: number): number {
  if (!(a < c)) return 1;
  let term = 1;
  let sum = 1;
  for (let k = 1; k < c; k++) {
    term *= a / k;
    sum += term;
  }
  const last = ((term * a) / c) * (c / (c - a));
  return last / (sum + last);
}

/** M/M/c mean wait in queue Wq = C(c, a) / (cμ − λ). */
export function mmcWq(c: number, lambda: number, mu: number): number {
  return erlangC(c, lambda / mu) / (c * mu - lambda);
}

/** M/M/1: Wq = ρ/(μ−λ), W = 1/(μ−λ), sojourn-time quantile −ln(1−p)/(μ−λ). */
export const mm1 = {
  wq: (lambda: number, mu: number) => lambda / mu / (mu - lambda),
  w: (lambda: number, mu: number) => 1 / (mu - lambda),
  sojournQuantile: (lambda: number, mu: number, p: number) => -Math.log(1 - p) / (mu - lambda),
};

/** M/D/1 (Pollaczek–Khinchine with constant service 1/μ): Wq = ρ / (2μ(1−ρ)). */
export function md1Wq(lambda: number, mu: number): number {
  const rho = lambda / mu;
  return rho / (2 * mu * (1 - rho));
}

/**
 * Retry with an exact timeout τ and no queueing: one attempt fails when the worker hangs (probability d) or
 * its Exp(μ) job outlasts τ: q = d + (1−d)·e^(−μτ); with 3 strikes a request fails with probability q³.
 */
export function retryAttemptFailure(d: number, mu: number, tau: number): number {
  return d + (1 - d) * Math.exp(-mu * tau);
}

/**
 * Non-preemptive priority M/G/1 (Cobham 1954): the mean wait in queue of class k (1 = highest) is
 * W₀ / ((1 − σ_{k−1})(1 − σ_k)), with W₀ = Σ λ_i E[S_i²] / 2 and σ_k = Σ_{i ≤ k} ρ_i. Here every class has
 * exponential service of rate μ, so E[S²] = 2/μ².
 */
export function cobhamWq(lambdas: readonly number[], mu: number, k: number): number {
  const w0 = lambdas.reduce((sum, l) => sum + l, 0) / (mu * mu);
  const sigma = (j: number) => lambdas.slice(0, j).reduce((sum, l) => sum + l / mu, 0);
  return w0 / ((1 - sigma(k - 1)) * (1 - sigma(k)));
}

/**
 * Erlang A, M/M/c+M (Garnett, Mandelbaum & Reiman 2002): c servers of rate μ, Poisson arrivals λ, and each
 * waiting customer abandons after an Exp(θ) patience. The number in system is a birth–death chain (births λ,
 * deaths min(n, c)·μ + max(n − c, 0)·θ), solved here by its stationary distribution truncated where the
 * terms fall below 1e-16 of the total. By PASTA, P(wait) = P(n ≥ c) on arrival; by Little, the mean wait in
 * queue of all arrivals is E[queue]/λ; an abandonment happens at rate θ per waiting customer, so
 * P(abandon) = θ·E[queue]/λ.
 */
export function erlangA(
  c: number,
  lambda: number,
  mu: number,
  theta: number,
): { pWait: number; wq: number; pAbandon: number } {
  let p = 1;
  let total = 1;
  let waiting = c === 0 ? 1 : 0;
  let queue = 0;
  for (let n = 1; n < 100_000; n++) {
    p *= lambda / (Math.min(n, c) * mu + Math.max(n - c, 0) * theta);
    total += p;
    if (n >= c) waiting += p;
    queue += Math.max(n - c, 0) * p;
    if (n > c && p < 1e-16 * total) break;
  }
  const eq = queue / total;
  return { pWait: waiting / total, wq: eq / lambda, pAbandon: (theta * eq) / lambda };
}
