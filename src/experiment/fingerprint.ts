// A hash of a run's event trajectory (time, kind, entities): any change in behaviour changes it
// (the OMNeT++ fingerprint idea). Shipped scenarios' fingerprints are checked in test/fingerprints.json.
import { createHash } from "node:crypto";
import type { PolicyConfig, Scenario } from "../scenario/types.js";
import { runReplication } from "./run-replication.js";

const NO_SINK = { request() {}, user() {}, attempt() {}, worker() {}, sample() {} };

export function trajectoryFingerprint(scenario: Scenario, arm: PolicyConfig, seed: number, replication = 1): string {
  const hash = createHash("sha256");
  const buf = Buffer.alloc(8 + 4 * 3);
  runReplication({
    scenario,
    arm,
    seed,
    replication,
    sink: NO_SINK,
    trace: (t, kind, a, b, c) => {
      buf.writeDoubleLE(t, 0);
      buf.writeInt32LE(a, 8);
      buf.writeInt32LE(b, 12);
      buf.writeInt32LE(c, 16);
      hash.update(kind);
      hash.update(buf);
    },
  });
  return hash.digest("hex").slice(0, 16);
}
