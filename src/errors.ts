/** A problem with what the user gave us (usage, scenario, log file): one clear message, exit code 2, no stack trace. */
export class UserError extends Error {
  readonly exitCode = 2;
  constructor(message: string) {
    super(message);
    this.name = "UserError";
  }
}
