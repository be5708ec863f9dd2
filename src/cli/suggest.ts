// "Did you mean --replications?" for a mistyped option: yargs' strict mode names the unknown arguments but
// suggests nothing (its recommendCommands covers commands only).
import { closest } from "../scenario-file/messages.js";

/** The suggestion to add to yargs' "Unknown argument(s): a, b" message, or "" when none is close. */
export function suggestOptions(message: string, known: readonly string[]): string {
  const m = /^Unknown arguments?: (.+)$/.exec(message);
  if (m === null) return "";
  const options = known.filter((k) => k.length > 1 && k !== "$0" && !k.includes("_"));
  const hints = m[1]
    .split(", ")
    .map((word) => {
      const name = word.replace(/^-+/, "").replace(/=.*$/, "");
      const near = closest(name, options);
      return near === undefined ? "" : `--${name}: did you mean --${near}?`;
    })
    .filter((h) => h !== "");
  return hints.length === 0 ? "" : ` (${hints.join("; ")})`;
}
