import { describe, expect, it } from "vitest";
import { parseServerLines } from "../../src/conformance/server-log.js";

const J1 = "11111111-1111-1111-1111-111111111111";
const J2 = "22222222-2222-2222-2222-222222222222";
const J3 = "33333333-3333-3333-3333-333333333333";
const WP = "44444444-4444-4444-4444-444444444444";
const line = (t: number, text: string) => ({ t, line: `INFO       | 2026-12-07 02:12:17 | mod:fn:1 - ${text}` });

describe("the sweep as the server's -vv log shows it", () => {
  it("groups each run's lines (image part, then text part) and keeps a reported fault's abort apart", () => {
    const parsed = parseServerLines([
      line(60.1, "Pruned 0 expired Waiting Prompts"),
      line(60.2, "Found 0 New faulted WPs"),
      line(60.3, "Pruned 0 expired Waiting Prompts"),
      line(60.31, "Found 0 New faulted WPs"),
      line(95, `Aborted Stale Generation ${J3} of wp ${WP} (512x512x30@k_euler) from by worker: w (x)`),
      line(120.5, "Pruned 2 expired Waiting Prompts"),
      line(120.6, `Aborted Stale Generation ${J1} of wp ${WP} (512x512x30@k_euler) from by worker: w (x)`),
      line(120.7, `Aborted Stale Generation ${J2} of wp ${WP} (512x512x30@k_euler) from by worker: w (x)`),
      line(120.9, "Found 1 New faulted WPs"),
      line(120.95, `Faulting waiting prompt ${WP} with payload '{}' due to too many faulted jobs`),
      line(121.0, "Pruned 0 expired Waiting Prompts"),
      line(121.01, "Found 0 New faulted WPs"),
    ]);
    expect(parsed.sweeps).toEqual([
      { t: 60.1, end: 60.2, expired: 0, aborted: [], faultedCount: 0, faulted: [] },
      { t: 120.5, end: 120.9, expired: 2, aborted: [J1, J2], faultedCount: 1, faulted: [WP] },
    ]);
    expect(parsed.otherAborts).toEqual([{ t: 95, job: J3 }]);
  });

  it("starts a new run at the next Pruned line after a run's text part even without its last line", () => {
    const parsed = parseServerLines([
      line(1, "Pruned 0 expired Waiting Prompts"),
      line(2, "Found 0 New faulted WPs"),
      line(3, "Pruned 0 expired Waiting Prompts"),
      line(61, "Pruned 0 expired Waiting Prompts"),
    ]);
    expect(parsed.sweeps.map((s) => s.t)).toEqual([1, 61]);
  });
});
