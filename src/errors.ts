/** A problem with what the user gave us (usage, scenario, log file): one clear message, exit code 2, no stack trace. */
export class UserError extends Error {
  readonly exitCode = 2;
  constructor(message: string) {
    super(message);
    this.name = "UserError";
  }
}

/** The run was stopped by a signal (SIGINT, SIGTERM): one line, and exit 128 + the signal's number. */
export class Interrupted extends Error {
  readonly exitCode: number;
  constructor(
    readonly signal: "SIGINT" | "SIGTERM",
    message: string,
  ) {
    super(message);
    this.name = "Interrupted";
    this.exitCode = signal === "SIGINT" ? 130 : 143;
  }
}
