// report.html's verdict section from the pure verdict: a kept baseline is said as such, with why.
import { describe, expect, it } from "vitest";
import { decide } from "../../src/metrics/verdict.js";
import { verdictSection } from "../../src/report/html-verdict.js";

describe("the verdict section", () => {
  const objective = { name: "fast", minimise: "user_latency_mean_s" as const, subject_to: [], indifference: 0 };
  // b − a = −1, +1, −1, 0: a lower mean, but not separated (W = t(0.95, 3) · 0.957/2 = 1.13)
  const arms = [
    { name: "horde", values: { user_latency_mean_s: [20, 21, 19, 22] } },
    { name: "b", values: { user_latency_mean_s: [19, 22, 18, 22] } },
  ];

  it("says the baseline is kept, and why, when no arm is shown better than it", () => {
    const html = verdictSection([decide(objective, arms)]);
    expect(html).toContain(
      "Recommended: keep <strong>horde</strong> (the baseline, user mean latency 20.5 s, 4 replications): no other arm is shown better than it.",
    );
  });

  it("names the lowest mean plainly where there is no baseline to keep", () => {
    const html = verdictSection([decide(objective, arms, { keepBaseline: false })]);
    expect(html).toContain("Recommended: <strong>b</strong> (user mean latency 20.3 s, 4 replications).");
  });
});
