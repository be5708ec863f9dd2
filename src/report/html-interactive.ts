// What makes report.html interactive without a network: the browser builds of vega, vega-lite and vega-embed
// (with vega-tooltip) read from node_modules and inlined as scripts, every chart's spec as JSON, and a small
// script that draws each chart with vega-embed (tooltips, export) in place of its static SVG and redraws the
// charts when an arm's checkbox is toggled: rows whose `policy` is a hidden arm are left out of every data
// source, and a view drawn for one hidden arm only (the queue's panels) is left out. Colours stay, since
// every chart gives its colour scale an explicit domain.
import { readFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";

/** The browser bundles, in load order: each package's entry point's folder holds its minified build. */
const BUNDLES = [
  { pkg: "vega", file: "vega.min.js" },
  { pkg: "vega-lite", file: "vega-lite.min.js" },
  { pkg: "vega-embed", file: "vega-embed.min.js" },
] as const;

let scripts: string | undefined;

/** The inlined bundles as `<script>` elements, read once. */
export function bundleScripts(): string {
  scripts ??= BUNDLES.map(({ pkg, file }) => {
    const path = join(dirname(fileURLToPath(import.meta.resolve(pkg))), file);
    const code = readFileSync(path, "utf8");
    return `<script data-bundle="${pkg}">${scriptSafe(code)}</script>`;
  }).join("\n");
  return scripts;
}

/** Text that cannot end the script element it is inlined in. */
function scriptSafe(text: string): string {
  return text.replace(/<\/(script)/gi, "<\\/$1");
}

/** JSON inlined in a `<script type="application/json">`: `<` escaped, so no `</script>` or `<!--` can occur. */
export function jsonScript(id: string, value: unknown): string {
  return `<script type="application/json" id="${id}">${JSON.stringify(value).replace(/</g, "\\u003c")}</script>`;
}

/** The page's own script: draws every chart with vega-embed and wires the arm checkboxes. */
export const PAGE_SCRIPT = `
(() => {
  const specs = JSON.parse(document.getElementById("chart-specs").textContent);
  const boxes = [...document.querySelectorAll("input[data-arm]")];
  const hidden = () => new Set(boxes.filter((b) => !b.checked).map((b) => b.dataset.arm));
  // a view drawn for hidden arms only: it filters on one, or every layer drawing the shared data does
  const onlyHidden = (view, off) => {
    if ((view.transform || []).some((t) => t.filter && t.filter.field === "policy" && off.has(t.filter.equal))) return true;
    const shared = Array.isArray(view.layer) ? view.layer.filter((l) => l.data === undefined) : [];
    return shared.length > 0 && shared.every((l) => onlyHidden(l, off));
  };
  // a scale's domain entry for a hidden arm: its name, or a label that starts with it ("horde (fail 0.1 %)")
  const hiddenEntry = (d, off) => typeof d === "string" && (off.has(d) || [...off].some((a) => d.startsWith(a + " (")));
  const without = (v, off) => {
    if (Array.isArray(v)) return v.map((x) => without(x, off));
    if (v === null || typeof v !== "object") return v;
    const out = {};
    for (const [k, x] of Object.entries(v)) {
      if (k === "values" && Array.isArray(x)) out[k] = x.filter((r) => !(r && typeof r === "object" && off.has(r.policy)));
      else if (k === "scale" && x && Array.isArray(x.domain) && Array.isArray(x.range) && x.domain.length === x.range.length) {
        // hidden arms leave the legend; the others keep their colours and dashes
        const keep = x.domain.map((d) => !hiddenEntry(d, off));
        out[k] = { ...x, domain: x.domain.filter((_, i) => keep[i]), range: x.range.filter((_, i) => keep[i]) };
      }
      else if ((k === "vconcat" || k === "hconcat") && Array.isArray(x)) {
        const kept = x.filter((view) => !onlyHidden(view, off));
        out[k] = without(kept.length > 0 ? kept : x.slice(0, 1), off);
      } else out[k] = without(x, off);
    }
    return out;
  };
  const views = new Map();
  const options = {
    renderer: "svg",
    actions: { export: true, source: false, compiled: false, editor: false },
    tooltip: { theme: "light" },
  };
  async function draw(name) {
    const el = document.getElementById("view-" + name);
    const previous = views.get(name);
    if (previous) previous.finalize();
    const result = await vegaEmbed(el, without(specs[name], hidden()), options);
    // the chart fills its column on a wide screen and keeps its drawn size (readable text) on a narrow one,
    // where its box scrolls sideways
    const svg = el.querySelector("svg.marks");
    if (svg) svg.style.minWidth = svg.getAttribute("width") + "px";
    views.set(name, result);
    el.dataset.drawn = String(Number(el.dataset.drawn || 0) + 1);
  }
  async function drawAll() {
    document.body.dataset.charts = "drawing";
    try {
      await Promise.all(Object.keys(specs).map(draw));
      document.body.dataset.charts = "ready";
    } catch (e) {
      document.body.dataset.charts = "failed";
      console.error("a chart could not be drawn: " + e);
    }
  }
  for (const b of boxes) b.addEventListener("change", drawAll);
  document.getElementById("arms-all")?.addEventListener("click", () => { boxes.forEach((b) => { b.checked = true; }); drawAll(); });
  document.getElementById("arms-none")?.addEventListener("click", () => { boxes.forEach((b, i) => { b.checked = i === 0; }); drawAll(); });
  window.hordesimCharts = { views, drawAll };
  drawAll();
})();
`;
