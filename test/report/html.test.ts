// report.html: its content, and the page loaded in headless Chromium (Debian's, or the one @sparticuz/chromium
// ships: test/helpers/find-chromium.ts) with no console errors, no network request and every chart's SVG present
// and visible.
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { CHART_NAMES } from "../../src/report/charts/index.js";
import { escapeHtml, inlineSvg } from "../../src/report/html.js";
import { renderReport } from "../../src/report/render-report.js";
import { checkPage } from "./chromium.js";
import { writeFixture } from "./fixture.js";

let dir: string;
let html: string;

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), "hordesim-html-"));
  writeFixture(dir);
  await renderReport(dir);
  html = readFileSync(join(dir, "report.html"), "utf8");
});

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

  it("inlines every chart's SVG once, with ids unique in the page, and needs no script or network", () => {
    for (const name of CHART_NAMES) {
      expect(html.split(`data-chart="${name}"`).length - 1, name).toBe(1);
    }
    const ids = [...html.matchAll(/\bid="([^"]+)"/g)].map((m) => m[1]);
    expect(new Set(ids).size).toBe(ids.length);
    for (const m of html.matchAll(/url\(#([^)]+)\)/g)) expect(ids).toContain(m[1]);
    expect(html).not.toMatch(/<script\b/i);
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

describe("report.html in headless Chromium", () => {
  it("loads with no console errors and every chart's SVG visible", async () => {
    // never skipped: without a browser, checkPage fails with one line saying what it tried and how to fix it
    interface ChartBox {
      name: string;
      width: number;
      height: number;
      visible: boolean;
      texts: number;
      title: string;
    }
    const expression = `(() => {
      const charts = [...document.querySelectorAll("svg[data-chart]")].map((svg) => {
        const r = svg.getBoundingClientRect();
        const style = getComputedStyle(svg);
        const texts = svg.querySelectorAll("text");
        return {
          name: svg.getAttribute("data-chart"),
          width: r.width,
          height: r.height,
          visible: svg.checkVisibility({ opacityProperty: true, visibilityProperty: true })
            && style.display !== "none" && style.visibility !== "hidden",
          texts: texts.length,
          title: svg.querySelector(".role-title-text text, .role-title text")?.textContent ?? "",
        };
      });
      return { title: document.title, charts, h1: document.querySelector("h1")?.textContent ?? "" };
    })()`;
    const page = await checkPage<{ title: string; h1: string; charts: ChartBox[] }>(
      join(dir, "report.html"),
      expression,
    );
    expect(page.errors).toEqual([]);
    expect(page.requests).toEqual([]);
    expect(page.value.title).toBe("hordesim report: fixture-incident");
    expect(page.value.charts.map((c) => c.name)).toEqual([...CHART_NAMES]);
    for (const c of page.value.charts) {
      expect(c.visible, c.name).toBe(true);
      expect(c.width, c.name).toBeGreaterThan(200);
      expect(c.height, c.name).toBeGreaterThan(100);
      expect(c.texts, c.name).toBeGreaterThan(5);
      expect(c.title.length, c.name).toBeGreaterThan(5);
    }
  });
});
