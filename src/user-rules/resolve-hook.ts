// Module hooks (node:module register) for users' rule files, wherever the file is (a clone's, or a copy's
// outside the repository, with no package.json of its own):
// - "hordesim" resolves to this package's public entry;
// - a TypeScript file outside node_modules is an ES module (without a package.json saying "type": "module",
//   tsx would compile it as CommonJS, which cannot import the ES modules it imports).
let entry = "";

export function initialize(data: { entry: string }): void {
  entry = data.entry;
}

interface Resolved {
  url: string;
  format?: string | null;
  shortCircuit?: boolean;
}

type Next = (specifier: string, context: unknown) => Promise<Resolved>;

export async function resolve(specifier: string, context: unknown, next: Next): Promise<Resolved> {
  if (specifier === "hordesim") return { url: entry, shortCircuit: true };
  const resolved = await next(specifier, context);
  if (/^file:.*\.ts$/.test(resolved.url) && !resolved.url.includes("/node_modules/")) {
    return { ...resolved, format: "module" };
  }
  return resolved;
}
