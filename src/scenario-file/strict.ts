import { z } from "zod";
import { unknownKeyMessage } from "./messages.js";

/** A strict object: an unknown key is an error, with a suggestion when it looks like a typo of a known one. */
export function strict<S extends z.core.$ZodLooseShape>(shape: S) {
  const known = Object.keys(shape);
  return z.strictObject(shape, {
    error: (iss) =>
      iss.code === "unrecognized_keys" ? iss.keys.map((k) => unknownKeyMessage(k, known)).join("\n") : undefined,
  });
}
