import { describe, expect, it } from "vitest";
import type { Headlines } from "../../src/metrics/headlines.js";
import { headlinesSection } from "../../src/report/html-headlines.js";

const H: Headlines = {
  objective: "what-users-feel",
  baseline: "horde",
  replications: 10,
  recommended: "heartbeat+exclude",
  sentence: "recommended: heartbeat+exclude",
  arms: [
    { name: "horde", status: "baseline", standing: "baseline; worse on the requests a failed job hits", effects: [] },
    {
      name: "heartbeat",
      status: "worse",
      standing: "worse on failed requests than heartbeat+exclude",
      effects: [{ effect: "failed_requests", harm: true, difference: 2, ci95: [1, 3], text: "failed requests 3 → 23" }],
    },
    {
      name: "heartbeat+exclude",
      status: "recommended",
      standing: "recommended",
      effects: [
        {
          effect: "hit_latency",
          harm: false,
          difference: -165,
          ci95: [-169, -161],
          text: "requests a failed job hits wait 206 s → 41.2 s (−165 s [−169, −161 s]), 562 of them (baseline 518)",
        },
      ],
    },
  ],
};

describe("report.html's headlines", () => {
  const html = headlinesSection(H);

  it("opens with the recommendation, then every arm, the recommended one first", () => {
    expect(html).toContain("<h2>Recommended: heartbeat+exclude</h2>");
    const rows = [...html.matchAll(/<th scope="row">([^<]+)<\/th>/g)].map((m) => m[1]);
    expect(rows).toEqual(["heartbeat+exclude", "horde", "heartbeat"]);
  });

  it("marks a harm, escapes the words, and is absent for a run without headlines", () => {
    expect(html).toContain('<span class="worse">failed requests 3 → 23</span>');
    expect(html).toContain(
      "<span>requests a failed job hits wait 206 s → 41.2 s (−165 s [−169, −161 s]), 562 of them (baseline 518)</span>",
    );
    expect(headlinesSection({ ...H, arms: [{ ...H.arms[0], name: "<b>" }] })).toContain("&#60;b&#62;");
    expect(headlinesSection(null)).toBe("");
  });
});
