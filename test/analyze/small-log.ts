// A small hand-written log with everything a reader meets: unrelated records, a multi-line message, a line of
// garbage bytes, broken scheduling lines, a fake pop, a cancelled delivery, a suspicion, a generic abort, and a
// truncated last line.
import { abort, abortGeneric, deliver, IDS, incidentTimeline, pop, rec, suspicion } from "./log-lines.js";

const D = "2025-09-29";
const PAUSED = "3f0b5c1e-1111-4111-a111-111111111111";
const [pop1, abort1, pop2, abort2, pop3, abort3, faulted1] = incidentTimeline(D);

const before: string[] = [
  rec(`${D} 17:40:00.000`, "INFO", "horde.apis.v2.base:post:100", "POST /api/v2/generate/async 202"),
  pop1,
  rec(`${D} 17:41:10.000`, "ERROR", "horde.apis.v2.base:post:210", "Traceback follows"),
  "Traceback (most recent call last):",
  '  File "x.py", line 1, in <module>',
  "ValueError: boom",
];
// line 7 is garbage bytes (see smallLogBytes)
const after: string[] = [
  pop(
    `${D} 17:41:20.500`,
    "b0000000-0000-4000-a000-000000000004",
    "b1111111-0000-4000-a000-00000000000b",
    IDS.ameli,
    IDS.ameli_name,
  ),
  deliver(
    `${D} 17:41:31.000`,
    "b0000000-0000-4000-a000-000000000004",
    "b1111111-0000-4000-a000-00000000000b",
    IDS.ameli_name,
  ),
  rec(
    `${D} 17:42:00.000`,
    "INFO",
    "horde.classes.stable.processing_generation:log_aborted_generation:118",
    "Aborted Stale Generation 1234 of wp",
  ),
  "2025-09-29 17:42:01 | INFO | no milliseconds - Procgen with ID x",
  abort1,
  pop2,
  pop(
    `${D} 17:45:00.000`,
    "c0000000-0000-4000-a000-000000000005",
    "d1111111-0000-4000-a000-00000000000d",
    PAUSED,
    "paused1",
    "10.9.9.9",
    1,
    true,
  ),
  suspicion(`${D} 17:45:30.000`, PAUSED, "TOO_MANY_JOBS_ABORTED"),
  deliver(
    `${D} 17:46:00.000`,
    "e0000000-0000-4000-a000-000000000006",
    "e1111111-0000-4000-a000-00000000000e",
    "sdxl-1",
    262.14,
    true,
  ),
  abort2,
  pop3,
  pop(
    `${D} 17:48:00.000`,
    "f0000000-0000-4000-a000-000000000007",
    "c1111111-0000-4000-a000-00000000000c",
    IDS.ameli2,
    IDS.ameli2_name,
  ),
  abort(
    `${D} 17:48:30.000`,
    "f0000000-0000-4000-a000-000000000007",
    "c1111111-0000-4000-a000-00000000000c",
    "1024x1024x30@k_dpmpp_sde",
    IDS.ameli2_name,
    IDS.ameli2,
  ),
  abortGeneric(`${D} 17:48:31.000`, "c0000000-0000-4000-a000-000000000005", "paused1", PAUSED),
  abort3,
  faulted1,
];
const truncated = `${D} 17:51:00.000 | INFO     | horde.classes.base.waiting_prompt:start_generation:288 - Procgen with ID 99`;

/** The log as bytes: line 7 holds a NUL, a bell and invalid UTF-8; the last line has no newline. */
export function smallLogBytes(): Buffer {
  return Buffer.concat([
    Buffer.from(`${before.join("\n")}\n`),
    Buffer.from([0x00, 0x07, 0x67, 0x61, 0x72, 0x62, 0xff, 0xfe, 0x0a]),
    Buffer.from(`${after.join("\n")}\n${truncated}`),
  ]);
}

export const SMALL_LOG_EXPECTED = {
  lines: 24,
  records: 17,
  continuation: 3,
  events: { pop: 6, deliver: 2, abort: 5, faulted: 1, suspicion: 1 },
  problems: { malformed: 2, garbage: 1, truncated: 1, overlong: 0, unreadable: 0 },
};
