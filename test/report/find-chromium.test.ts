// Which headless Chromium the browser tests use: HORDESIM_CHROMIUM alone when set, else Debian's, else the one
// @sparticuz/chromium ships; one line naming every candidate tried and the fix when none works.
import { chmodSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { root } from "../helpers/cli.js";
import { findChromium, unpackBundledChromium } from "../helpers/find-chromium.js";

const dir = mkdtempSync(join(tmpdir(), "hordesim-find-chromium-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

function script(name: string, body: string): string {
  const path = join(dir, name);
  writeFileSync(path, `#!/bin/sh\n${body}\n`);
  chmodSync(path, 0o755);
  return path;
}

const good = script("good", 'echo "Chromium 9.9.9"');
const other = script("other", 'echo "Chromium 8.8.8"');
const broken = script("broken", 'echo "error while loading shared libraries: libnss3.so" >&2; exit 127');
const missing = join(dir, "missing");

/** A bundled candidate that records whether it was asked. */
function bundled(result: string | Error) {
  const calls = { n: 0 };
  const locate = () => {
    calls.n++;
    if (result instanceof Error) throw result;
    return result;
  };
  return { calls, locate };
}

describe("findChromium", () => {
  it("takes HORDESIM_CHROMIUM when it is set, and asks nothing else", () => {
    const b = bundled(other);
    const found = findChromium({ override: good, system: other, bundled: b.locate });
    expect(found).toEqual({ executablePath: good, source: `HORDESIM_CHROMIUM=${good}`, version: "Chromium 9.9.9" });
    expect(b.calls.n).toBe(0);
  });

  it("never falls back from a HORDESIM_CHROMIUM that does not work", () => {
    const b = bundled(good);
    expect(() => findChromium({ override: missing, system: good, bundled: b.locate })).toThrow(
      new RegExp(
        `^no headless Chromium for the browser tests: HORDESIM_CHROMIUM=${missing}: not found\\. Fix: point HORDESIM_CHROMIUM at`,
      ),
    );
    expect(b.calls.n).toBe(0);
  });

  it("prefers Debian's chromium to the bundled one", () => {
    const b = bundled(other);
    expect(findChromium({ system: good, bundled: b.locate })).toMatchObject({
      source: good,
      version: "Chromium 9.9.9",
    });
    expect(b.calls.n).toBe(0);
  });

  it("falls back to the bundled one when Debian's is missing or does not start", () => {
    for (const system of [missing, broken]) {
      const found = findChromium({ system, bundled: bundled(other).locate });
      expect(found).toEqual({ executablePath: other, source: "@sparticuz/chromium", version: "Chromium 8.8.8" });
    }
  });

  it("when none works, says in one line what it tried, why each failed, and how to fix it", () => {
    let message = "";
    try {
      findChromium({ system: broken, bundled: bundled(new Error("not installed")).locate });
    } catch (e) {
      message = (e as Error).message;
    }
    expect(message).not.toContain("\n");
    expect(message).toMatch(
      new RegExp(
        `^no headless Chromium for the browser tests: ${broken}: --version failed \\(exit 127: error while loading shared libraries: libnss3\\.so\\); @sparticuz/chromium: not installed\\. Fix: run npm ci .*apt-get install chromium.*HORDESIM_CHROMIUM`,
      ),
    );
  });

  it("unpacks the Chromium of @sparticuz/chromium, and it answers --version with the package's major version", () => {
    const { version } = JSON.parse(readFileSync(join(root, "node_modules/@sparticuz/chromium/package.json"), "utf8"));
    const found = findChromium({ system: missing, bundled: unpackBundledChromium });
    expect(found.source).toBe("@sparticuz/chromium");
    expect(found.executablePath).toBe(join(root, "node_modules/.cache/hordesim-chromium", version, "chromium"));
    expect(found.version).toMatch(new RegExp(`^Chromium ${version.split(".")[0]}\\.`));
  });
});
