// Loads a page in headless Chromium (the one test/helpers/find-chromium.ts finds) and talks to it over the DevTools
// protocol on a pipe (--remote-debugging-pipe: fd 3 in, fd 4 out, NUL-separated JSON), without playwright or puppeteer.
// Collects console errors, uncaught exceptions, log errors and any request that leaves the machine; a test can
// evaluate expressions, move and click the mouse and take screenshots (withPage), or just evaluate one (checkPage).
import { type ChildProcess, spawn } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { Readable, Writable } from "node:stream";
import { pathToFileURL } from "node:url";
import { headlessChromium } from "../helpers/find-chromium.js";

/** A loaded page: what a test may do with it. Coordinates are CSS pixels of the viewport. */
export interface Page {
  evaluate<T>(expression: string): Promise<T>;
  /** Evaluates `expression` every 50 ms until it is truthy; throws after `timeoutMs`. */
  waitFor(expression: string, timeoutMs?: number): Promise<void>;
  mouseMove(x: number, y: number): Promise<void>;
  click(x: number, y: number): Promise<void>;
  /** Resizes the viewport (CSS pixels), as a phone or a wide screen would show the page. */
  setViewport(width: number, height: number): Promise<void>;
  /** A PNG of a region of the document (CSS pixels from the document's top left), at one device pixel per CSS pixel. */
  screenshot(clip: { x: number; y: number; width: number; height: number }): Promise<Buffer>;
  /** Console errors, uncaught exceptions and error log entries so far. */
  errors: string[];
  /** URLs requested so far that are neither the page itself nor data: URLs. */
  requests: string[];
}

export interface PageCheck<T> {
  /** Console errors, uncaught exceptions and error log entries, as text. */
  errors: string[];
  /** URLs the page requested that are neither the page itself nor data: URLs. */
  requests: string[];
  /** The value of the expression evaluated after the load event. */
  value: T;
}

interface Message {
  id?: number;
  method?: string;
  params?: Record<string, unknown>;
  result?: Record<string, unknown>;
  error?: { message: string };
  sessionId?: string;
}

class Cdp {
  private next = 1;
  private buffer = "";
  private pending = new Map<number, { resolve: (r: Record<string, unknown>) => void; reject: (e: Error) => void }>();
  private listeners: ((m: Message) => void)[] = [];

  constructor(
    private readonly input: Writable,
    output: Readable,
  ) {
    output.setEncoding("utf8");
    output.on("data", (chunk: string) => {
      this.buffer += chunk;
      let end = this.buffer.indexOf("\0");
      while (end >= 0) {
        const msg = JSON.parse(this.buffer.slice(0, end)) as Message;
        this.buffer = this.buffer.slice(end + 1);
        this.dispatch(msg);
        end = this.buffer.indexOf("\0");
      }
    });
  }

  private dispatch(msg: Message): void {
    if (msg.id !== undefined) {
      const p = this.pending.get(msg.id);
      if (p) {
        this.pending.delete(msg.id);
        if (msg.error) p.reject(new Error(msg.error.message));
        else p.resolve(msg.result ?? {});
      }
      return;
    }
    for (const l of this.listeners) l(msg);
  }

  on(listener: (m: Message) => void): void {
    this.listeners.push(listener);
  }

  send(method: string, params: Record<string, unknown> = {}, sessionId?: string): Promise<Record<string, unknown>> {
    const id = this.next++;
    const msg: Message = { id, method, params };
    if (sessionId) msg.sessionId = sessionId;
    return new Promise((resolve, reject) => {
      this.pending.set(id, { resolve, reject });
      this.input.write(`${JSON.stringify(msg)}\0`);
    });
  }

  failAll(e: Error): void {
    for (const p of this.pending.values()) p.reject(e);
    this.pending.clear();
  }
}

function withTimeout<T>(p: Promise<T>, ms: number, what: string): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  return Promise.race([
    p.finally(() => clearTimeout(timer)),
    new Promise<T>((_, reject) => {
      timer = setTimeout(() => reject(new Error(`chromium: timed out after ${ms} ms waiting for ${what}`)), ms);
    }),
  ]);
}

/**
 * Opens a local HTML file in headless Chromium at a 1400 × 1000 viewport, waits for its load event, runs `use`
 * on the page and closes the browser.
 */
export async function withPage<T>(file: string, use: (page: Page) => Promise<T>, timeoutMs = 90_000): Promise<T> {
  const browser = headlessChromium(); // throws one line saying what was tried and how to fix it
  const profile = mkdtempSync(join(tmpdir(), "hordesim-chromium-"));
  const url = pathToFileURL(file).href;
  const child: ChildProcess = spawn(
    browser.executablePath,
    [
      "--headless",
      "--no-sandbox",
      "--disable-gpu",
      "--disable-quic",
      "--no-first-run",
      "--disable-background-networking",
      "--disable-component-update",
      "--disable-sync",
      "--disable-extensions",
      "--hide-scrollbars",
      "--window-size=1400,1000",
      `--user-data-dir=${profile}`,
      "--remote-debugging-pipe",
      "about:blank",
    ],
    { stdio: ["ignore", "ignore", "pipe", "pipe", "pipe"] },
  );
  let stderr = "";
  child.stderr?.on("data", (d: Buffer) => {
    stderr = (stderr + d.toString()).slice(-4000);
  });
  const cdp = new Cdp(child.stdio[3] as Writable, child.stdio[4] as Readable);
  const exited = new Promise<never>((_, reject) => {
    child.on("exit", (code, signal) => {
      const e = new Error(`chromium exited early (code ${code}, signal ${signal}): ${stderr}`);
      cdp.failAll(e);
      reject(e);
    });
    child.on("error", (e) => reject(e));
  });
  exited.catch(() => {});
  const errors: string[] = [];
  const requests: string[] = [];
  try {
    const run = async (): Promise<T> => {
      const { targetId } = (await cdp.send("Target.createTarget", { url: "about:blank" })) as { targetId: string };
      const { sessionId } = (await cdp.send("Target.attachToTarget", { targetId, flatten: true })) as {
        sessionId: string;
      };
      let loaded: () => void = () => {};
      const load = new Promise<void>((resolve) => {
        loaded = resolve;
      });
      cdp.on((m) => {
        if (m.sessionId !== sessionId || !m.params) return;
        const p = m.params;
        if (m.method === "Page.loadEventFired") loaded();
        else if (m.method === "Runtime.consoleAPICalled" && (p.type === "error" || p.type === "assert")) {
          const args = (p.args as { value?: unknown; description?: string }[]) ?? [];
          errors.push(`console.${p.type}: ${args.map((a) => a.value ?? a.description).join(" ")}`);
        } else if (m.method === "Runtime.exceptionThrown") {
          const d = p.exceptionDetails as { text?: string; exception?: { description?: string } };
          errors.push(`exception: ${d.exception?.description ?? d.text}`);
        } else if (m.method === "Log.entryAdded") {
          const e = p.entry as { level: string; text: string; url?: string };
          if (e.level === "error") errors.push(`log: ${e.text} ${e.url ?? ""}`.trim());
        } else if (m.method === "Network.requestWillBeSent") {
          const r = p.request as { url: string };
          if (r.url !== url && !r.url.startsWith("data:")) requests.push(r.url);
        }
      });
      const send = (method: string, params: Record<string, unknown> = {}) => cdp.send(method, params, sessionId);
      await send("Runtime.enable");
      await send("Log.enable");
      await send("Network.enable");
      await send("Page.enable");
      await send("Page.navigate", { url });
      await load;
      const evaluate = async <V>(expression: string): Promise<V> => {
        const r = (await send("Runtime.evaluate", { expression, returnByValue: true, awaitPromise: true })) as {
          result: { value: V };
          exceptionDetails?: { text: string; exception?: { description?: string } };
        };
        if (r.exceptionDetails)
          throw new Error(`evaluate failed: ${r.exceptionDetails.exception?.description ?? r.exceptionDetails.text}`);
        return r.result.value;
      };
      const mouse = async (type: string, x: number, y: number) => {
        await send("Input.dispatchMouseEvent", {
          type,
          x,
          y,
          button: type === "mouseMoved" ? "none" : "left",
          clickCount: 1,
        });
      };
      const page: Page = {
        evaluate,
        async waitFor(expression, waitMs = 30_000) {
          const until = Date.now() + waitMs;
          while (!(await evaluate<boolean>(`Boolean(${expression})`))) {
            if (Date.now() > until) throw new Error(`timed out after ${waitMs} ms waiting for ${expression}`);
            await new Promise((r) => setTimeout(r, 50));
          }
        },
        mouseMove: (x, y) => mouse("mouseMoved", x, y),
        async setViewport(width, height) {
          await send("Emulation.setDeviceMetricsOverride", { width, height, deviceScaleFactor: 1, mobile: false });
        },
        async click(x, y) {
          await mouse("mouseMoved", x, y);
          await mouse("mousePressed", x, y);
          await mouse("mouseReleased", x, y);
        },
        async screenshot(clip) {
          const r = (await send("Page.captureScreenshot", {
            format: "png",
            clip: { ...clip, scale: 1 },
            captureBeyondViewport: true,
          })) as { data: string };
          return Buffer.from(r.data, "base64");
        },
        errors,
        requests,
      };
      return use(page);
    };
    const value = await withTimeout(Promise.race([run(), exited]), timeoutMs, "the page");
    await withTimeout(
      cdp.send("Browser.close").catch(() => ({})),
      10_000,
      "Browser.close",
    ).catch(() => {});
    return value;
  } finally {
    if (child.exitCode === null && child.signalCode === null) {
      const gone = new Promise<void>((resolve) => child.once("exit", () => resolve()));
      child.kill("SIGKILL");
      await withTimeout(gone, 10_000, "chromium to exit").catch(() => {});
    }
    try {
      rmSync(profile, { recursive: true, force: true, maxRetries: 3 });
    } catch {
      // a profile left in the temp folder is harmless
    }
  }
}

/**
 * Opens a local HTML file in headless Chromium, waits for its load event, evaluates `expression` in the page
 * (its value must be JSON-serialisable) and closes the browser.
 */
export async function checkPage<T>(file: string, expression: string, timeoutMs = 60_000): Promise<PageCheck<T>> {
  return withPage(
    file,
    async (page) => {
      const value = await page.evaluate<T>(expression);
      return { errors: [...page.errors], requests: [...page.requests], value };
    },
    timeoutMs,
  );
}
