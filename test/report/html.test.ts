// report.html: its content (tables, the requests hit by a failure, the verdict when summary.json has one), and
// the page in headless Chromium (Debian's, or the one @sparticuz/chromium ships: test/helpers/find-chromium.ts):
// no console error, no network request, every chart drawn by vega-embed, pixels in a chart's screenshot, a
// tooltip on hover, and an arm's checkbox that takes it out of the charts.
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { decide } from "../../src/metrics/verdict.js";
import { CHART_NAMES } from "../../src/report/charts/index.js";
import { buildReportHtml, inlineSvg } from "../../src/report/html.js";
import { escapeHtml } from "../../src/report/html-text.js";
import { renderReport } from "../../src/report/render-report.js";
import { readResultFolder } from "../../src/results/read-results.js";
import type { Objective } from "../../src/scenario/types.js";
import { withPage } from "./chromium.js";
import { writeFixture } from "./fixture.js";
import { decodePng, differingPixels } from "./png.js";

let dir: string;
let html: string;
let plainHtml: string;

const OBJECTIVE: Objective = {
  name: "users first",
  minimise: "user_latency_p90_s",
  subject_to: [{ figure: "failure_rate", max: 0.01 }],
  indifference: 0,
};

/**
 * A verdict from the pure decision functions, for the fixture's arms: progressive is clearly fastest, horde
 * slower in every replication, exclude-failed fails 5 % of its requests (over the 1 % bound).
 */
function decisions() {
  return [
    decide(OBJECTIVE, [
      { name: "horde", values: { user_latency_p90_s: [50, 52, 51, 53], failure_rate: [0.001, 0.002, 0.001, 0.002] } },
      {
        name: "progressive",
        values: { user_latency_p90_s: [40, 41.5, 40.5, 42], failure_rate: [0.001, 0.001, 0.002, 0.001] },
      },
      {
        name: "exclude-failed",
        values: { user_latency_p90_s: [30, 31, 30, 31], failure_rate: [0.05, 0.05, 0.06, 0.05] },
      },
    ]),
  ];
}

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), "hordesim-html-"));
  writeFixture(dir);
  const summaryPath = join(dir, "summary.json");
  const summary = JSON.parse(readFileSync(summaryPath, "utf8"));
  writeFileSync(summaryPath, JSON.stringify({ ...summary, decisions: decisions() }));
  await renderReport(dir);
  html = readFileSync(join(dir, "report.html"), "utf8");
  // the same folder without decisions (the charts do not matter here)
  const data = await readResultFolder(dir);
  plainHtml = buildReportHtml({ ...data, summary: { ...data.summary, decisions: null } }, []);
}, 120_000);

afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe("report.html", () => {
  it("holds the scenario, its description and the scenario file, escaped", () => {
    expect(html).toContain("<title>hordesim report: fixture-incident</title>");
    expect(html).toContain("&#60;with&#62; characters &#38; quotes");
    expect(html).not.toContain("<with>");
    expect(html).toContain("start_time: &#34;2025-09-29T16:00:00Z&#34;");
  });

  it("holds the comparison tables from summary.json", () => {
    const summary = JSON.parse(readFileSync(join(dir, "summary.json"), "utf8"));
    expect(html).toContain("Outcomes and latency of requests");
    expect(html).toContain("Paired differences from the baseline (horde)");
    for (const p of summary.policies) expect(html).toContain(`<th scope="row">${p.name}`);
    const p99 = summary.policies[0].latency_s.p99.mean as number;
    expect(html).toContain(`<td>${p99 >= 100 ? p99.toFixed(0) : p99.toFixed(1)}<span class="ci">`);
  });

  it("holds the requests hit by a failed job: how many per replication and their latency, per arm", () => {
    const summary = JSON.parse(readFileSync(join(dir, "summary.json"), "utf8"));
    const section = html.slice(html.indexOf('<section id="hit-by-failure">'), html.indexOf('<section id="charts">'));
    expect(section).toContain("Requests hit by at least one failed job");
    for (const p of summary.policies) {
      const row = section.slice(section.indexOf(`<th scope="row">${p.name}`));
      const hitLatency = p.affected_latency_s.mean as number;
      const text = hitLatency >= 100 ? hitLatency.toFixed(0) : hitLatency.toFixed(1);
      expect(row.slice(0, row.indexOf("</tr>"))).toContain(`<td>${text}<span class="ci">`);
    }
  });

  it("renders summary.json's decisions: the recommendation, the arm shown worse, the arm over a bound", () => {
    const section = html.slice(html.indexOf('<section id="verdict">'), html.indexOf('<section id="comparison">'));
    expect(section).toContain("Verdict: which policy to deploy");
    expect(section).toContain("users first: minimise");
    expect(section).toContain("Recommended: <strong>progressive</strong>");
    const row = (arm: string) => {
      const r = section.slice(section.indexOf(`<th scope="row">${arm}</th>`));
      return r.slice(0, r.indexOf("</tr>"));
    };
    expect(row("horde")).toContain('<td class="worse">worse than progressive</td>');
    expect(row("exclude-failed")).toContain('<td class="worse">breaks a bound</td>');
    expect(row("progressive")).toContain('<td class="better">recommended</td>');
    expect(section).toContain("Bonferroni");
    expect(html).toContain('<a href="#verdict">Verdict</a>');
  });

  it("leaves the verdict out when summary.json has no decisions", () => {
    expect(plainHtml).not.toContain('id="verdict"');
    expect(plainHtml).not.toContain('href="#verdict"');
  });

  it("inlines every chart's SVG and spec once, with ids unique in the page, and loads nothing from elsewhere", () => {
    for (const name of CHART_NAMES) {
      expect(html.split(`data-chart="${name}"`).length - 1, name).toBe(1);
      expect(html.split(`id="view-${name}"`).length - 1, name).toBe(1);
    }
    // the page's own markup, before the inlined specs and bundles
    const markup = html.slice(0, html.indexOf('<script type="application/json"'));
    const ids = [...markup.matchAll(/\bid="([^"]+)"/g)].map((m) => m[1]);
    expect(new Set(ids).size).toBe(ids.length);
    for (const m of markup.matchAll(/url\(#([^)]+)\)/g)) expect(ids).toContain(m[1]);
    const specs = JSON.parse(
      /<script type="application\/json" id="chart-specs">(.*?)<\/script>/s.exec(html)?.[1] ?? "",
    );
    expect(Object.keys(specs)).toEqual([...CHART_NAMES]);
    // the three bundles, inline; no script has a src
    for (const b of ["vega", "vega-lite", "vega-embed"]) expect(html).toContain(`<script data-bundle="${b}">`);
    expect(html).not.toMatch(/<script[^>]*\ssrc=/i);
    expect(html).not.toMatch(/(src|href)="https?:/i);
    expect(html).not.toMatch(/@import|url\(https?:/i);
  });

  it("prefixes SVG ids and their references", () => {
    const svg = '<svg width="1"><defs><clipPath id="clip1"/></defs><g clip-path="url(#clip1)"/></svg>';
    const out = inlineSvg(svg, "forest", "Forest & co");
    expect(out).toContain('id="forest-clip1"');
    expect(out).toContain("url(#forest-clip1)");
    expect(out).toContain('aria-label="Forest &#38; co"');
    expect(escapeHtml(`<a href="x">'&'</a>`)).toBe("&#60;a href=&#34;x&#34;&#62;&#39;&#38;&#39;&#60;/a&#62;");
  });
});

interface Rect {
  x: number;
  y: number;
  width: number;
  height: number;
}

/** Scrolls an element to the middle of the viewport; its box in viewport and in document coordinates. */
const boxOf = (selector: string) => `(() => {
  const e = document.querySelector(${JSON.stringify(selector)});
  if (!e) return null;
  e.scrollIntoView({ block: "center" });
  const r = e.getBoundingClientRect();
  return { view: { x: r.left, y: r.top, width: r.width, height: r.height },
           doc: { x: r.left + scrollX, y: r.top + scrollY, width: r.width, height: r.height } };
})()`;

/** Share of pixels that are not (nearly) white. */
function inkShare(png: Buffer): number {
  const img = decodePng(png);
  let ink = 0;
  for (let i = 0; i < img.rgba.length; i += 4) {
    if (img.rgba[i] < 235 || img.rgba[i + 1] < 235 || img.rgba[i + 2] < 235) ink++;
  }
  return ink / (img.width * img.height);
}

describe("report.html in headless Chromium", () => {
  it("draws every chart with vega-embed, offline: pixels, a tooltip on hover, and arm checkboxes", async () => {
    // never skipped: without a browser, withPage fails with one line saying what it tried and how to fix it
    await withPage(join(dir, "report.html"), async (page) => {
      await page.waitFor(`["ready", "failed"].includes(document.body.dataset.charts)`);
      expect(await page.evaluate("document.body.dataset.charts")).toBe("ready");

      // every chart is vega-embed's SVG now, with its text, in place of the static one
      const charts = await page.evaluate<{ name: string; width: number; texts: number; static: number }[]>(`
        [...document.querySelectorAll(".chart")].map((el) => {
          const svg = el.querySelector("svg.marks");
          return { name: el.id.replace(/^view-/, ""), width: svg ? svg.getBoundingClientRect().width : 0,
                   texts: svg ? svg.querySelectorAll("text").length : 0,
                   static: el.querySelectorAll("svg[data-chart]").length };
        })`);
      expect(charts.map((c) => c.name)).toEqual([...CHART_NAMES]);
      for (const c of charts) {
        expect(c.width, c.name).toBeGreaterThan(200);
        expect(c.texts, c.name).toBeGreaterThan(5);
        expect(c.static, c.name).toBe(0);
      }
      // full width: the page uses the viewport, not a 650 px column
      expect(
        await page.evaluate<number>("document.querySelector('main').getBoundingClientRect().width"),
      ).toBeGreaterThan(1300);

      // a screenshot of the latency tail: a chart's worth of ink, not a blank box
      const tail = (await page.evaluate<{ doc: Rect } | null>(boxOf("#view-latency-tail svg.marks"))) as { doc: Rect };
      const before = await page.screenshot(tail.doc);
      expect(inkShare(before)).toBeGreaterThan(0.03);

      // hovering a point of the cost-benefit chart shows its tooltip, naming the arm
      const dot = (await page.evaluate<{ view: Rect } | null>(
        boxOf("#view-cost-benefit g.mark-symbol.role-mark path"),
      )) as { view: Rect };
      expect(dot).not.toBeNull();
      expect(await page.evaluate<boolean>("!!document.querySelector('#vg-tooltip-element.visible')")).toBe(false);
      await page.mouseMove(dot.view.x + dot.view.width / 2, dot.view.y + dot.view.height / 2);
      await page.waitFor("document.querySelector('#vg-tooltip-element.visible')", 10_000);
      const tip = await page.evaluate<string>("document.querySelector('#vg-tooltip-element').textContent");
      expect(tip).toMatch(/horde|progressive|exclude-failed/);
      expect(tip).toMatch(/p99 latency/);

      // unticking an arm takes its line out of the latency tail and redraws every chart
      const lines = "document.querySelectorAll('#view-latency-tail g.mark-line.role-mark path').length";
      expect(await page.evaluate<number>(lines)).toBe(3);
      const box = (await page.evaluate<{ view: Rect } | null>(boxOf('input[data-arm="progressive"]'))) as {
        view: Rect;
      };
      await page.click(box.view.x + box.view.width / 2, box.view.y + box.view.height / 2);
      await page.waitFor(`document.getElementById("view-latency-tail").dataset.drawn === "2"`);
      await page.waitFor(`document.body.dataset.charts === "ready"`);
      expect(await page.evaluate<boolean>(`document.querySelector('input[data-arm="progressive"]').checked`)).toBe(
        false,
      );
      expect(await page.evaluate<number>(lines)).toBe(2);
      const after = await page.screenshot(
        ((await page.evaluate<{ doc: Rect } | null>(boxOf("#view-latency-tail svg.marks"))) as { doc: Rect }).doc,
      );
      const a = decodePng(before);
      const b = decodePng(after);
      expect(a.width === b.width && a.height === b.height ? differingPixels(a, b) : a.width * a.height).toBeGreaterThan(
        500,
      );
      // the queue keeps a panel per shown arm only
      expect(
        await page.evaluate<number>(
          "[...document.querySelectorAll('#view-queue text')].filter((t) => /^\\S+: mean /.test(t.textContent)).length",
        ),
      ).toBe(2);

      // the verdict and the hit-by-failure tables are on the page
      expect(await page.evaluate<string>("document.querySelector('#verdict .recommendation').textContent")).toContain(
        "progressive",
      );
      expect(await page.evaluate<number>("document.querySelectorAll('#hit-by-failure tbody tr').length")).toBe(3);

      expect(page.errors).toEqual([]);
      expect(page.requests).toEqual([]);
    });
  }, 120_000);
});

describe("report.html at a phone's width and on a wide screen", () => {
  it("has no chart tooltip that would show a field id: every errorbar layer names its fields", () => {
    const specs = JSON.parse(
      /<script type="application\/json" id="chart-specs">(.*?)<\/script>/s.exec(html)?.[1] ?? "{}",
    );
    const errorbars: { chart: string; tooltip: unknown }[] = [];
    const walk = (chart: string, v: unknown): void => {
      if (Array.isArray(v)) for (const x of v) walk(chart, x);
      else if (v !== null && typeof v === "object") {
        const o = v as { mark?: { type?: string }; encoding?: { tooltip?: unknown } };
        if (o.mark?.type === "errorbar") errorbars.push({ chart, tooltip: o.encoding?.tooltip });
        for (const x of Object.values(v)) walk(chart, x);
      }
    };
    for (const [name, spec] of Object.entries(specs)) walk(name, spec);
    expect([...new Set(errorbars.map((e) => e.chart))].sort()).toEqual(["forest", "latency-quantiles"]);
    for (const e of errorbars) {
      const fields = e.tooltip as { field: string; title?: string }[];
      expect(Array.isArray(fields), e.chart).toBe(true);
      for (const f of fields.filter((x) => /^(lo|hi)/.test(x.field))) expect(f.title, e.chart).toMatch(/95 % CI/);
    }
  });

  it("leaves out the note about the users table on a default run (written only with --records all)", async () => {
    const copy = mkdtempSync(join(tmpdir(), "hordesim-html-nousers-"));
    writeFixture(copy);
    rmSync(join(copy, "users.csv"));
    const data = await readResultFolder(copy);
    expect(data.notes.filter((n) => n.startsWith("users"))).toEqual([]);
    rmSync(join(copy, "requests.csv"));
    expect((await readResultFolder(copy)).notes.some((n) => n.startsWith("users: missing"))).toBe(true);
    rmSync(copy, { recursive: true, force: true });
  });

  it("at 400 px: no page overflow, tables scroll in their box with the verdict column in view, chart text readable; at 1400 px the charts fill the column; a hidden arm leaves the legend", async () => {
    await withPage(join(dir, "report.html"), async (page) => {
      await page.setViewport(400, 900);
      await page.waitFor(`document.body.dataset.charts === "ready"`);
      const narrow = await page.evaluate<{
        scrollWidth: number;
        wraps: { right: number; scrolls: boolean }[];
        verdictRight: number;
        text: { chart: string; height: number }[];
      }>(`(() => ({
        scrollWidth: document.documentElement.scrollWidth,
        wraps: [...document.querySelectorAll(".table-wrap")].map((w) => ({
          right: w.getBoundingClientRect().right, scrolls: w.scrollWidth > w.clientWidth })),
        verdictRight: document.querySelector("#verdict thead th:nth-child(2)").getBoundingClientRect().right,
        text: [...document.querySelectorAll(".chart")].map((c) => ({ chart: c.id,
          height: Math.min(...[...c.querySelectorAll("svg.marks text")].filter((t) => t.textContent.trim() !== "")
            .map((t) => t.getBoundingClientRect().height)) })),
      }))()`);
      expect(narrow.scrollWidth).toBeLessThanOrEqual(400);
      expect(narrow.wraps.length).toBeGreaterThan(3);
      for (const w of narrow.wraps) expect(w.right).toBeLessThanOrEqual(400);
      expect(narrow.wraps.some((w) => w.scrolls)).toBe(true); // wide tables scroll instead of being cut off
      expect(narrow.verdictRight).toBeLessThanOrEqual(400);
      expect(narrow.text).toHaveLength(CHART_NAMES.length);
      for (const t of narrow.text) expect(t.height, t.chart).toBeGreaterThanOrEqual(9); // was about 4 px
      await page.setViewport(1400, 900);
      const wide = await page.evaluate<{ chart: string; svg: number; box: number }[]>(`
        [...document.querySelectorAll(".chart")].map((c) => ({ chart: c.id,
          svg: c.querySelector("svg.marks").getBoundingClientRect().width, box: c.clientWidth }))`);
      for (const c of wide) expect(c.svg, c.chart).toBeGreaterThanOrEqual(c.box - 40); // less vega-embed's menu
      for (const c of wide) expect(c.box, c.chart).toBeGreaterThan(1250);

      const legend = `[...document.querySelectorAll("#view-latency-tail g.mark-text.role-legend-label text")].map((t) => t.textContent)`;
      expect((await page.evaluate<string[]>(legend)).some((t) => t.startsWith("progressive ("))).toBe(true);
      await page.evaluate(`document.querySelector('input[data-arm="progressive"]').click()`);
      await page.waitFor(`document.getElementById("view-latency-tail").dataset.drawn === "2"`);
      await page.waitFor(`document.body.dataset.charts === "ready"`);
      const after = await page.evaluate<string[]>(legend);
      expect(after.some((t) => t.startsWith("progressive ("))).toBe(false);
      expect(after.some((t) => t.startsWith("horde ("))).toBe(true);
      expect(page.errors).toEqual([]);
    });
  }, 180_000);
});
