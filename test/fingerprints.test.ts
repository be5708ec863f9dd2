import { readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { computeFingerprints } from "../src/experiment/fingerprint-cli.js";

// Any change in the simulator's behaviour changes a trajectory and fails this test. When the change is
// intended, run `npm run fingerprints` and commit test/fingerprints.json with the reason in the message.
describe("trajectory fingerprints of the shipped scenarios (seed 1, replication 1)", () => {
  const root = join(import.meta.dirname, "..");
  const expected = JSON.parse(readFileSync(join(root, "test", "fingerprints.json"), "utf8"));
  const actual = computeFingerprints(root);

  it("covers every shipped scenario", () => {
    expect(Object.keys(actual).sort()).toEqual(Object.keys(expected).sort());
  });

  for (const [file, arms] of Object.entries(expected as Record<string, Record<string, string>>)) {
    it(`${file} is unchanged`, () => {
      expect(actual[file]).toEqual(arms);
    });
  }
});
