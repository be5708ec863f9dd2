// report.html's verdict section: for each objective of summary.json's `decisions` (metrics/verdict.ts), the
// recommended arm, the arms that cannot be told apart from it and how many replications would separate them,
// and one row per arm with its figure, its difference from the recommended arm and its bounds. Pure.
import { FIGURE_NAMES, FIGURES, type FigureName, formatFigureValue } from "../metrics/figures.js";
import type { ArmStatus, ArmVerdict, ReplicationsNeeded, Verdict } from "../metrics/verdict.js";
import { whyKeepBaseline } from "../metrics/verdict-text.js";
import { escapeHtml } from "./html-text.js";

const STATUS: Record<ArmStatus, { text: string; cls: string }> = {
  recommended: { text: "recommended", cls: "better" },
  "not-separated": { text: "cannot be told apart", cls: "" },
  "within-indifference": { text: "within δ of the recommended", cls: "" },
  identical: { text: "identical in every replication", cls: "" },
  worse: { text: "worse", cls: "worse" },
  infeasible: { text: "breaks a bound", cls: "worse" },
  "not-shown-feasible": { text: "not shown to meet the bounds", cls: "" },
  "no-value": { text: "no value", cls: "" },
};

function isFigure(f: string): f is FigureName {
  return (FIGURE_NAMES as readonly string[]).includes(f);
}

const label = (f: string) => (isFigure(f) ? FIGURES[f].label : f);
const value = (f: string, v: number | null, signed = false) =>
  isFigure(f) ? formatFigureValue(f, v, signed) : v === null ? "—" : String(v);

function needsText(n: ReplicationsNeeded | null): string {
  if (n === null) return "";
  if (n.total === null) return `no estimate (${escapeHtml(n.reason ?? "unknown")})`;
  const to =
    n.to === "separate" ? "to separate" : n.to === "show-within-indifference" ? "to show it within δ" : "to settle";
  return `~${n.total.toLocaleString("en-US")} ${to}`;
}

function armRow(v: Verdict, a: ArmVerdict): string {
  const f = v.objective.minimise;
  const s = STATUS[a.status] ?? { text: a.status, cls: "" };
  const c = a.vs_recommended;
  const diff =
    c === null || c.mean === null
      ? ""
      : `${value(f, c.mean, true)}${
          c.lower !== null && c.upper !== null
            ? `<span class="ci">${value(f, c.lower, true)} to ${value(f, c.upper, true)}</span>`
            : ""
        }`;
  const bounds = a.constraints.map((k) => {
    const cls = k.status === "met" ? "" : k.status === "violated" ? ' class="worse"' : ' class="open"';
    const range =
      k.lower !== null && k.upper !== null
        ? `<span class="ci">${value(k.figure, k.lower)} – ${value(k.figure, k.upper)}</span>`
        : "";
    return `<td${cls}>${value(k.figure, k.mean)}${range}</td>`;
  });
  return `<tr><th scope="row">${escapeHtml(a.name)}</th><td${s.cls ? ` class="${s.cls}"` : ""}>${escapeHtml(
    s.text,
  )}${a.worse_than ? ` than ${escapeHtml(a.worse_than)}` : ""}</td><td>${value(f, a.objective.mean)}</td><td>${diff}</td>${bounds.join(
    "",
  )}<td>${needsText(a.replications_needed)}</td></tr>`;
}

function objectiveText(v: Verdict): string {
  const o = v.objective;
  const bounds = o.subject_to.map((c) => `${label(c.figure)} ≤ ${value(c.figure, c.max)}`);
  return `minimise ${label(o.minimise)}${bounds.length > 0 ? ` subject to ${bounds.join(", ")}` : ""}`;
}

function verdictBlock(v: Verdict, i: number): string {
  const o = v.objective;
  const rec = v.arms.find((a) => a.status === "recommended");
  const apart = v.arms.filter((a) => a.status === "not-separated");
  const lines: string[] = [];
  lines.push(
    rec
      ? `<p class="recommendation">Recommended: ${v.keeps_baseline === true ? "keep " : ""}<strong>${escapeHtml(rec.name)}</strong> (${
          v.keeps_baseline === true ? "the baseline, " : ""
        }${label(o.minimise)} ${value(o.minimise, rec.objective.mean)}, ${v.replications} replication${
          v.replications === 1 ? "" : "s"
        })${v.keeps_baseline === true ? `: ${escapeHtml(whyKeepBaseline(v))}` : ""}.</p>`
      : '<p class="recommendation">No recommendation: no arm is shown to meet every bound.</p>',
  );
  if (apart.length > 0)
    lines.push(
      `<p>Cannot be told apart from it: ${apart
        .map((a) => `${escapeHtml(a.name)}${a.replications_needed ? ` (${needsText(a.replications_needed)})` : ""}`)
        .join(", ")}.</p>`,
    );
  if (v.replications_to_decide !== null && v.replications_to_decide > v.replications)
    lines.push(
      `<p>About ${v.replications_to_decide.toLocaleString("en-US")} replications in all would settle every open comparison, if means and spreads stay as estimated.</p>`,
    );
  else if (v.replications_to_decide === null)
    lines.push("<p>Some comparison would not be settled by any number of replications at the estimated means.</p>");
  const head = [
    "arm",
    "verdict",
    `${label(o.minimise)} (mean)`,
    "minus the recommended (one-sided bounds)",
    ...o.subject_to.map((c) => `${label(c.figure)} (bound ${value(c.figure, c.max)})`),
    "replications in all needed",
  ];
  const table = `<div class="table-wrap"><table>
<caption>${escapeHtml(o.name)}: every arm</caption>
<thead><tr>${head.map((h) => `<th scope="col">${escapeHtml(h)}</th>`).join("")}</tr></thead>
<tbody>
${v.arms.map((a) => armRow(v, a)).join("\n")}
</tbody>
</table></div>`;
  const method = `<details><summary>How this was judged (level ${Math.round(v.level * 100)} %)</summary><ul>${[
    v.method.feasibility,
    v.method.ranking,
    v.method.replications_needed,
  ]
    .map((m) => `<li>${escapeHtml(m)}</li>`)
    .join("")}</ul></details>`;
  const notes =
    v.notes.length > 0 ? `<ul class="notes">${v.notes.map((n) => `<li>${escapeHtml(n)}</li>`).join("")}</ul>` : "";
  return `<article class="verdict" id="verdict-${i + 1}">
<h3>${escapeHtml(o.name)}: ${escapeHtml(objectiveText(v))}${
    o.indifference > 0 ? `; differences below ${value(o.minimise, o.indifference)} do not matter` : ""
  }</h3>
${lines.join("\n")}
${table}
${method}
${notes}
</article>`;
}

/** The verdict section, or "" when summary.json has no decisions. */
export function verdictSection(decisions: readonly Verdict[] | null): string {
  if (decisions === null || decisions.length === 0) return "";
  return `<section id="verdict">
<h2>Verdict: which policy to deploy</h2>
${decisions.map(verdictBlock).join("\n")}
</section>`;
}
