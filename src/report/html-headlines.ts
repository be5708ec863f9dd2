// report.html's first section: the recommended arm and, for every arm, what changes for users against the
// baseline in plain words, harms marked (summary.json `headlines`, metrics/headlines.ts). Pure.
import type { Headlines } from "../metrics/headlines.js";
import { escapeHtml } from "./html-text.js";

/** The section, or "" when summary.json has no headlines (an older run). */
export function headlinesSection(h: Headlines | null): string {
  if (h === null) return "";
  const order = [...h.arms].sort((a, b) => Number(b.name === h.recommended) - Number(a.name === h.recommended));
  const rows = order.map((a) => {
    const effects =
      a.effects.length === 0
        ? `<span class="note">${a.name === h.baseline ? "the baseline" : "no change shown"}</span>`
        : a.effects.map((e) => `<span${e.harm ? ' class="worse"' : ""}>${escapeHtml(e.text)}</span>`).join("; ");
    const cls = a.name === h.recommended ? ' class="better"' : "";
    return `<tr><th scope="row">${escapeHtml(a.name)}</th><td${cls}>${escapeHtml(a.standing)}</td><td>${effects}</td></tr>`;
  });
  return `<section id="headlines">
<h2>${escapeHtml(h.sentence.replace(/^recommended:/, "Recommended:"))}</h2>
<p class="note">Objective ${escapeHtml(h.objective)}, ${h.replications} replication${h.replications === 1 ? "" : "s"}. What changes for users against ${escapeHtml(h.baseline)}: every change whose 95 % paired interval excludes 0, harms in red; counts are totals over the replications.</p>
<div class="table-wrap"><table>
<caption>Every arm against ${escapeHtml(h.baseline)}</caption>
<thead><tr><th scope="col">arm</th><th scope="col">verdict</th><th scope="col">what changes for users</th></tr></thead>
<tbody>
${rows.join("\n")}
</tbody>
</table></div>
</section>`;
}
