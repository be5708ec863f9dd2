// The robustness map: one grid's settings as squares, x = its first parameter, y = its second (first value at
// the bottom), each square filled with the colour of the arm that is best there on one figure (the users' p90
// latency, or their mean) and
// labelled with its name and that arm's mean ±95 % half-width; where the arms not shown worse are more than one,
// the square is grey and says "tie" with the tied arms (nothing is called best that the replications cannot
// separate). Only for grids of exactly two parameters.
import type { BestCell, SweepSummary } from "../../results/sweep-results.js";
import type { FigureName } from "../../scenario/figures.js";
import { CONFIG, messageChart, PALETTE, type Row, SCHEMA, type Spec, textWidth } from "./common.js";
import { secondsText, textOn } from "./sweep-common.js";

const TIE_FILL = "#d9d9d9";
const STEP_Y = 58;
const NAME_SIZE = 12;
const DETAIL_SIZE = 10;

function tieText(tied: readonly string[], arms: number): string {
  if (tied.length === arms) return `tie: all ${arms} arms`;
  if (tied.length <= 3) return `tie: ${tied.join(", ")}`;
  return `tie: ${tied.slice(0, 2).join(", ")} +${tied.length - 2}`;
}

/** What the map ranks on: its name in titles and its short name in the squares. */
export const BEST_FIGURE_TEXT: Partial<Record<FigureName, { title: string; short: string }>> = {
  user_latency_p90_s: { title: "the users' p90 latency", short: "p90" },
  user_latency_mean_s: { title: "the users' mean latency", short: "mean" },
};

function detailText(cell: BestCell, short: string): string {
  const best = cell.arms.find((a) => a.name === cell.best);
  if (best === undefined || best.mean === null) return "no value";
  const half = best.half_width === null ? "" : ` ±${secondsText(best.half_width)}`;
  return `${short} ${secondsText(best.mean)}${half} s`;
}

export function sweepBestSpec(
  summary: SweepSummary,
  gridIndex: number,
  figure: FigureName = "user_latency_p90_s",
): Spec {
  const grid = summary.grids[gridIndex];
  const cells = summary.best.filter((b) => b.grid === gridIndex && b.figure === figure);
  const text = BEST_FIGURE_TEXT[figure] ?? { title: figure, short: figure };
  if (grid === undefined || grid.params.length !== 2 || cells.length === 0)
    return messageChart(
      "Best arm per setting",
      null,
      "the robustness map needs a grid of exactly two parameters and two or more arms",
    );
  const [px, py] = grid.params;
  const armColor = new Map(grid.arms.map((a, i) => [a, PALETTE[i % PALETTE.length]]));
  const rows: Row[] = cells.map((c) => {
    const tie = c.tied.length > 1;
    const fill = c.best === null ? "#ffffff" : tie ? TIE_FILL : (armColor.get(c.best) as string);
    return {
      x: c.values[px.path],
      y: c.values[py.path],
      winner: c.best === null ? "no value" : tie ? "tie" : c.best,
      name: c.best === null ? "—" : tie ? tieText(c.tied, c.arms.length) : c.best,
      detail: detailText(c, text.short),
      fill,
      ink: textOn(fill),
      tooltip: c.arms
        .map(
          (a) =>
            `${a.name}: ${a.mean === null ? "—" : secondsText(a.mean)}${a.half_width === null ? "" : ` ±${secondsText(a.half_width)}`} s`,
        )
        .join("; "),
    };
  });
  const longest = Math.max(
    ...rows.map((r) => Math.max(textWidth(String(r.name), NAME_SIZE, true), textWidth(String(r.detail), DETAIL_SIZE))),
  );
  const stepX = Math.max(110, Math.ceil(longest + 16));
  const winners = [...new Set(rows.map((r) => String(r.winner)))];
  const legendDomain = [...grid.arms.filter((a) => winners.includes(a)), ...(winners.includes("tie") ? ["tie"] : [])];
  const legendRange = legendDomain.map((d) => (d === "tie" ? TIE_FILL : (armColor.get(d) as string)));
  return {
    $schema: SCHEMA,
    config: CONFIG,
    title: {
      text: `Best arm on ${text.title}, grid ${gridIndex + 1}`,
      subtitle: [
        `${grid.arms.join(", ")}; ${summary.replications} replications per setting, paired by replication (common random numbers).`,
        "Grey: the arms listed cannot be told apart (Bonferroni subset selection at 95 %); the text gives the best arm's mean ±95 % half-width.",
      ],
    },
    data: { values: rows },
    encoding: {
      x: { field: "x", type: "ordinal", sort: px.values, title: px.path, axis: { labelAngle: 0 } },
      y: { field: "y", type: "ordinal", sort: [...py.values].reverse(), title: py.path },
    },
    layer: [
      {
        mark: { type: "rect", stroke: "white", strokeWidth: 2 },
        encoding: {
          color: {
            field: "winner",
            type: "nominal",
            scale: { domain: legendDomain, range: legendRange },
            legend: { title: "best arm", orient: "right" },
          },
          tooltip: [
            { field: "name", title: "best" },
            { field: "tooltip", title: `every arm (${text.short}, s)` },
          ],
        },
      },
      {
        mark: { type: "text", fontSize: NAME_SIZE, fontWeight: "bold", dy: -8 },
        encoding: { text: { field: "name" }, color: { field: "ink", type: "nominal", scale: null } },
      },
      {
        mark: { type: "text", fontSize: DETAIL_SIZE, dy: 9 },
        encoding: { text: { field: "detail" }, color: { field: "ink", type: "nominal", scale: null } },
      },
    ],
    width: { step: stepX },
    height: { step: STEP_Y },
  } as Spec;
}
