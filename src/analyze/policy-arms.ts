// The policy arms of scenarios/incident-2025-09-29.yaml, copied into calibrated scenarios so that
// `hordesim run` compares them on the day of the log (a test checks that the two stay the same).
export const INCIDENT_POLICY_ARMS = `policies:
  - name: horde
  - name: fixed-timer
    timeout: { rule: fixed, ttl: 150s }
    detector: timer
  - name: progressive
    timeout: { rule: progressive, k: 3, slack: 15s, floor: 30s, ceiling: 450s }
    detector: timer
  - name: adaptive
    timeout: { rule: adaptive, floor: 30s, ceiling: 900s }
    detector: timer
  - name: heartbeat
    detector: { rule: heartbeat, interval: 10s, missed: 3 }
  - name: exclude-failed
    reassignment: [pull, exclude-failed]
  - name: backoff
    reassignment: [pull, { rule: backoff, base: 30s, cap: 15m }]
  - name: reputation
    reassignment: [pull, { rule: reputation, consecutive: 3, open_for: 10m }]
  - name: hedge
    reassignment: [pull, { rule: hedge, percentile: 0.95, cap: 0.05 }]
  # The best combination found: notice a silent worker within 30 s, and never give the request back to it.
  - name: heartbeat+exclude
    detector: { rule: heartbeat, interval: 10s, missed: 3 }
    reassignment: [pull, exclude-failed]
`;
