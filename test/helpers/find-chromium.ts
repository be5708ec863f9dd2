// Finds a headless Chromium for the browser tests, so that `npm ci && npm test` passes on a machine without one:
//   1. HORDESIM_CHROMIUM, when it is set: that executable and nothing else (an explicit choice never falls back);
//   2. /usr/bin/chromium, Debian's chromium package;
//   3. the Chromium shipped brotli-compressed inside the @sparticuz/chromium devDependency's npm package, unpacked
//      once per version into node_modules/.cache/hordesim-chromium/<version>/.
// A candidate counts only if it answers `--version`. When none does, the error is one line: what was tried, and
// how to fix it.
import { execFileSync, spawnSync } from "node:child_process";
import { existsSync, mkdirSync, mkdtempSync, readFileSync, renameSync, rmSync } from "node:fs";
import { join } from "node:path";

const root = join(import.meta.dirname, "..", "..");

export const CHROMIUM_ENV = "HORDESIM_CHROMIUM";
export const DEBIAN_CHROMIUM = "/usr/bin/chromium";

export interface HeadlessChromium {
  /** The executable: spawn it, or give it to playwright-core as `executablePath`. */
  executablePath: string;
  /** Which candidate it is, e.g. "/usr/bin/chromium". */
  source: string;
  /** What it answered to --version, e.g. "Chromium 143.0.7499.0". */
  version: string;
}

export interface ChromiumSources {
  /** The value of HORDESIM_CHROMIUM; when set, the only candidate. */
  override?: string;
  /** Debian's chromium. */
  system: string;
  /** Unpacks the bundled Chromium (if needed) and returns its executable; throws, saying why, when it cannot. */
  bundled: () => string;
}

/** What the executable answers to --version; throws, saying why, when it is missing or does not start. */
function probe(path: string): string {
  if (!existsSync(path)) throw new Error("not found");
  const r = spawnSync(path, ["--version"], { encoding: "utf8", timeout: 30_000 });
  if (r.error !== undefined) throw new Error(`does not start (${r.error.message})`);
  const version = r.stdout.trim();
  if (r.status !== 0 || version === "") {
    const why = (r.stderr.trim().split("\n").at(-1) ?? "").slice(0, 200);
    throw new Error(`--version failed (exit ${r.status ?? r.signal}${why === "" ? "" : `: ${why}`})`);
  }
  return version;
}

/** The first candidate that answers --version, in the order at the top of this file. */
export function findChromium(sources: ChromiumSources): HeadlessChromium {
  const candidates: { source: string; locate: () => string }[] =
    sources.override !== undefined
      ? [{ source: `${CHROMIUM_ENV}=${sources.override}`, locate: () => sources.override as string }]
      : [
          { source: sources.system, locate: () => sources.system },
          { source: "@sparticuz/chromium", locate: sources.bundled },
        ];
  const tried: string[] = [];
  for (const c of candidates) {
    try {
      const executablePath = c.locate();
      return { executablePath, source: c.source, version: probe(executablePath) };
    } catch (e) {
      tried.push(`${c.source}: ${(e as Error).message}`);
    }
  }
  const fix =
    sources.override !== undefined
      ? `point ${CHROMIUM_ENV} at a Chromium executable, or unset it to use ${sources.system} or @sparticuz/chromium`
      : `run npm ci (it installs the devDependency @sparticuz/chromium), or apt-get install chromium, or set ${CHROMIUM_ENV} to a Chromium executable`;
  throw new Error(`no headless Chromium for the browser tests: ${tried.join("; ")}. Fix: ${fix}`);
}

/**
 * Unpacks @sparticuz/chromium's browser into node_modules/.cache/hordesim-chromium/<version>/ and returns its
 * executable. The package's own executablePath() writes to the temp folder in place (and reuses whatever
 * /tmp/chromium is there, of any version), so it runs in a child process whose temp folder is a fresh private one,
 * which is then renamed into place whole: test processes that unpack at the same time cannot see half a file.
 */
export function unpackBundledChromium(): string {
  const pkgDir = join(root, "node_modules", "@sparticuz", "chromium");
  const pkgJson = join(pkgDir, "package.json");
  if (!existsSync(pkgJson)) throw new Error("not installed");
  const { version } = JSON.parse(readFileSync(pkgJson, "utf8")) as { version: string };
  const cache = join(root, "node_modules", ".cache", "hordesim-chromium");
  const final = join(cache, version);
  const executable = join(final, "chromium");
  if (existsSync(executable)) return executable;
  mkdirSync(cache, { recursive: true });
  const work = mkdtempSync(join(cache, `.unpack-${version}-`));
  try {
    const script = `import chromium from "@sparticuz/chromium"; process.stdout.write(await chromium.executablePath());`;
    const unpacked = execFileSync(process.execPath, ["--input-type=module", "-e", script], {
      cwd: root,
      env: { ...process.env, TMPDIR: work },
      encoding: "utf8",
      timeout: 120_000,
      stdio: ["ignore", "pipe", "pipe"],
    });
    if (unpacked !== join(work, "chromium")) throw new Error(`unpacked to ${unpacked}, not into ${work}`);
    try {
      renameSync(work, final);
    } catch (e) {
      // another test process put its copy in place first: use that one
      if (!existsSync(executable)) throw e;
    }
  } catch (e) {
    const err = e as Error & { stderr?: string };
    const why = (err.stderr ?? "").trim().split("\n").at(-1) || err.message;
    throw new Error(`cannot unpack it (${why.slice(0, 200)})`);
  } finally {
    rmSync(work, { recursive: true, force: true });
  }
  return executable;
}

let found: HeadlessChromium | undefined;

/** A headless Chromium from HORDESIM_CHROMIUM, /usr/bin/chromium or @sparticuz/chromium, looked up once. */
export function headlessChromium(): HeadlessChromium {
  found ??= findChromium({
    override: process.env[CHROMIUM_ENV] || undefined,
    system: DEBIAN_CHROMIUM,
    bundled: unpackBundledChromium,
  });
  return found;
}
