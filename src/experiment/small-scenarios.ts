// Small random but valid scenarios (fast-check arbitraries) and their YAML: the generated cases of the
// property tests and of `hordesim check-rule`.
import fc from "fast-check";

/** A small random but valid scenario, as YAML text a person can read when a property fails. */
export interface SmallScenario {
  groups: {
    name: string;
    count: number;
    slots: number;
    poll: number;
    /** The pop's round trip, as YAML. */
    trip: string;
    maxPixels: number;
    speed: number;
    failure: null | { mode: "hang" | "crash" | "slow" | "fault" | "late"; probability: number };
    flapping: boolean;
  }[];
  rate: number;
  sizes: number[];
  n: number;
  policy: string;
  horizonMin: number;
  /** The Horde's maintenance threshold (aborts in an hour), null for its default of 20. */
  maintenanceAfter: null | number;
  /** Some requests are the first group's owner's, which its workers still take in maintenance. */
  ownerRequests: boolean;
}

export const POLICY_ARMS: Record<string, string> = {
  horde: "{ name: arm }",
  timer: "{ name: arm, timeout: { rule: fixed, ttl: 60s }, detector: timer }",
  progressive: "{ name: arm, timeout: { rule: progressive, floor: 20s }, detector: timer }",
  adaptive: "{ name: arm, timeout: { rule: adaptive, floor: 20s }, detector: timer }",
  heartbeat: "{ name: arm, detector: { rule: heartbeat, interval: 5s, missed: 2 } }",
  exclude: "{ name: arm, reassignment: [pull, exclude-failed] }",
  backoff: "{ name: arm, reassignment: [pull, { rule: backoff, base: 20s, cap: 5m }] }",
  reputation: "{ name: arm, reassignment: [pull, { rule: reputation, consecutive: 2, open_for: 2m }] }",
  hedge: "{ name: arm, reassignment: [pull, { rule: hedge, percentile: 0.5, cap: 0.3, min_delay: 1s }] }",
};

const groupArb = fc.record({
  count: fc.integer({ min: 1, max: 3 }),
  slots: fc.integer({ min: 1, max: 2 }),
  poll: fc.constantFrom(1, 2.5),
  trip: fc.constantFrom("0s", "0.7s", "{ dist: uniform, min: 0.2s, max: 2s }"),
  maxPixels: fc.constantFrom(262144, 1048576),
  speed: fc.constantFrom(0.3, 1, 2.5),
  failure: fc.option(
    fc.record({
      mode: fc.constantFrom("hang" as const, "crash" as const, "slow" as const, "fault" as const, "late" as const),
      probability: fc.constantFrom(0.2, 0.6, 1),
    }),
    { nil: null },
  ),
  flapping: fc.boolean(),
});

export const smallScenarioArb: fc.Arbitrary<SmallScenario> = fc.record({
  groups: fc.array(groupArb, { minLength: 1, maxLength: 3 }).map((gs) => gs.map((g, i) => ({ ...g, name: `g${i}` }))),
  rate: fc.constantFrom(20, 60, 240),
  sizes: fc.subarray([512, 1024], { minLength: 1 }),
  n: fc.integer({ min: 1, max: 3 }),
  policy: fc.constantFrom(...Object.keys(POLICY_ARMS)),
  horizonMin: fc.constantFrom(20, 45),
  maintenanceAfter: fc.constantFrom(null, 2),
  ownerRequests: fc.boolean(),
});

function failureYaml(f: NonNullable<SmallScenario["groups"][number]["failure"]>): string {
  const extra: Record<typeof f.mode, string> = {
    hang: "hold: 40s",
    crash: "downtime: 2m",
    slow: "multiplier: 20",
    fault: "delay: 5s",
    late: "delay: 10s",
  };
  return `[{ mode: ${f.mode}, probability: ${f.probability}, ${extra[f.mode]} }]`;
}

/** What a caller puts in place of the generated arm or failure modes (a user's rule under test). */
export interface ScenarioOverrides {
  /** The policy arm, as a YAML flow mapping. */
  arm?: string;
  /** The fields of the failure mode of every group that has one (mode and constants), in place of its own. */
  failure?: string;
}

export function scenarioYaml(s: SmallScenario, groupOrder?: number[], overrides: ScenarioOverrides = {}): string {
  const order = groupOrder ?? s.groups.map((_, i) => i);
  const groups = order
    .map((i) => s.groups[i])
    .map(
      (g) => `  - name: ${g.name}
    count: ${g.count}
    slots: ${g.slots}
    poll_interval: ${g.poll}s
    pop_round_trip: ${g.trip}
    max_pixels: ${g.maxPixels}
    speed: ${g.speed}
    overhead: 1s
    failures: ${g.failure ? (overrides.failure === undefined ? failureYaml(g.failure) : `[{ ${overrides.failure}, probability: ${g.failure.probability} }]`) : "[]"}
${g.flapping ? "    flapping: { period: 10m, down: 1m, phase: 3m }\n" : ""}`,
    )
    .join("");
  const sizes = s.sizes.map((px) => `      - { width: ${px}, height: ${px}, steps: 20, n: ${s.n} }`);
  // A group's owner is its name by default.
  const owner = s.ownerRequests ? [`      - { width: 512, height: 512, steps: 20, n: 1, user: ${s.groups[0].name} }`] : [];
  const mix = [...sizes, ...owner].join("\n");
  const server = s.maintenanceAfter === null ? "" : `server: { maintenance: { abort_threshold: ${s.maintenanceAfter} } }\n`;
  return `name: generated
horizon: ${s.horizonMin}m
replications: 1
sample_interval: 1m
${server}arrivals:
  - name: a
    rate: ${s.rate}/h
    mix:
${mix}
workers:
${groups}policies:
  - ${overrides.arm ?? POLICY_ARMS[s.policy]}
`;
}
