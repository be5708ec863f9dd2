// Sorts one raw line of a log: a scheduling event, an unrelated record, the continuation of a multi-line
// message, or a problem (a broken scheduling line, garbage bytes).
import type { LogEvent } from "./events.js";
import { hasGarbage } from "./garbage.js";
import { parseLoguru, startsLikeRecord } from "./loguru.js";
import { mentionsScheduling, parseMessage } from "./messages.js";

export type ProblemKind = "malformed" | "garbage" | "truncated" | "overlong" | "unreadable";

export type LineKind =
  | { kind: "event"; event: LogEvent }
  | { kind: "record" }
  | { kind: "continuation" }
  | { kind: "problem"; problem: ProblemKind };

/**
 * A copy of the text that does not share memory with the chunk it was cut from: the ids an event keeps would
 * otherwise keep whole megabyte chunks of the file alive (V8 substrings point into their parent string).
 */
function detach(text: string): string {
  return ` ${text}`.slice(1);
}

export function classifyLine(line: string): LineKind {
  const record = parseLoguru(line);
  if (record === null) {
    if (hasGarbage(line)) return { kind: "problem", problem: "garbage" };
    if (startsLikeRecord(line) || mentionsScheduling(line)) return { kind: "problem", problem: "malformed" };
    return { kind: "continuation" };
  }
  const parsed = parseMessage(record.t, detach(record.message));
  if ("event" in parsed) return { kind: "event", event: parsed.event };
  if ("malformed" in parsed) return { kind: "problem", problem: hasGarbage(line) ? "garbage" : "malformed" };
  return { kind: "record" };
}
