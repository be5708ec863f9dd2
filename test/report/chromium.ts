// Loads a page in headless Chromium (the one test/helpers/find-chromium.ts finds) and talks to it over the DevTools
// protocol on a pipe (--remote-debugging-pipe: fd 3 in, fd 4 out, NUL-separated JSON), without playwright or puppeteer.
// Collects console errors, uncaught exceptions, log errors and any request that leaves the machine.
import { type ChildProcess, spawn } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { Readable, Writable } from "node:stream";
import { pathToFileURL } from "node:url";
import { headlessChromium } from "../helpers/find-chromium.js";

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
 * Opens a local HTML file in headless Chromium, waits for its load event, evaluates `expression` in the page
 * (its value must be JSON-serialisable) and closes the browser.
 */
export async function checkPage<T>(file: string, expression: string, timeoutMs = 60_000): Promise<PageCheck<T>> {
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
      "--window-size=1280,1000",
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
      await cdp.send("Runtime.enable", {}, sessionId);
      await cdp.send("Log.enable", {}, sessionId);
      await cdp.send("Network.enable", {}, sessionId);
      await cdp.send("Page.enable", {}, sessionId);
      await cdp.send("Page.navigate", { url }, sessionId);
      await load;
      const r = (await cdp.send(
        "Runtime.evaluate",
        { expression, returnByValue: true, awaitPromise: true },
        sessionId,
      )) as { result: { value: T }; exceptionDetails?: { text: string } };
      if (r.exceptionDetails) throw new Error(`evaluate failed: ${r.exceptionDetails.text}`);
      return r.result.value;
    };
    const value = await withTimeout(Promise.race([run(), exited]), timeoutMs, "the page");
    await withTimeout(
      cdp.send("Browser.close").catch(() => ({})),
      10_000,
      "Browser.close",
    ).catch(() => {});
    return { errors, requests, value };
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
