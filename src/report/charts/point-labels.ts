// Labels placed beside points in pixels, with the font's own widths: next to their point when there is room,
// else at the nearest free spot (a leader line is then drawn by the chart), never over another label, a point
// or a hard obstacle, and inside the plot. Used where both scales have fixed domains, so that data and pixels
// convert exactly (the sweep's Pareto charts, the latency tail's direct labels).

/** The height of a label's box: the font's ascent plus descent at 11 px. */
export const POINT_LABEL_HEIGHT = 13;
/** Clearance kept between two labels, and between a label and a point. */
export const LABEL_GAP = 2;
/** A label further than this from its point's edge gets a leader line. */
export const LEADER_AFTER = 7;
/** How far from its point a label may go to avoid crossing whiskers before it may cross them instead. */
const SOFT_RADIUS = 24;
/** A label by its point must be this much nearer (edge to edge, px) its own point than any other. */
const AMBIGUITY_MARGIN = 8;

export interface LabelBox {
  x0: number;
  y0: number;
  x1: number;
  y1: number;
}

export interface LabelRequest {
  /** The point's centre in px from the plot's top left. */
  px: number;
  py: number;
  /** The label's width in px. */
  w: number;
  /** The point's radius in px. */
  r: number;
  /**
   * Points of one group lie on one another and share a label: none of them makes another's label ambiguous.
   */
  group?: number;
}

function hits(a: LabelBox, b: LabelBox, gap: number): boolean {
  return a.x0 < b.x1 + gap && b.x0 < a.x1 + gap && a.y0 < b.y1 + gap && b.y0 < a.y1 + gap;
}

/** The point of a box nearest to (x, y). */
export function nearestOnBox(b: LabelBox, x: number, y: number): [number, number] {
  return [Math.max(b.x0, Math.min(b.x1, x)), Math.max(b.y0, Math.min(b.y1, y))];
}

/**
 * Lines the labels should not cover: `hard` never (the front's step line), `soft` when a spot near the point
 * avoids them (the whiskers, its own included).
 */
export interface Obstacles {
  hard: LabelBox[];
  soft: LabelBox[];
}

/**
 * Places a label of height `h` for each point, in the order given by `order`: the first free spot among
 * right of the point, left, above, below and the four diagonals, then rings of growing distance around the
 * point. A spot is free when the box lies inside the plot and keeps LABEL_GAP from every label already
 * placed and from every point, and does not cross a hard obstacle; spots within SOFT_RADIUS of the point
 * that also clear the soft obstacles are tried first. Returns the boxes, indexed like `reqs`; null where no
 * spot was free.
 */
export function placePointLabels(
  reqs: readonly LabelRequest[],
  width: number,
  height: number,
  order: readonly number[],
  obstacles: Obstacles = { hard: [], soft: [] },
  h = POINT_LABEL_HEIGHT,
): (LabelBox | null)[] {
  const markers: LabelBox[] = reqs.map((q) => ({ x0: q.px - q.r, y0: q.py - q.r, x1: q.px + q.r, y1: q.py + q.r }));
  const placed: LabelBox[] = [];
  const out: (LabelBox | null)[] = reqs.map(() => null);
  const dist = (b: LabelBox, q: LabelRequest) => {
    const [x, y] = nearestOnBox(b, q.px, q.py);
    return Math.hypot(x - q.px, y - q.py);
  };
  // a label without a leader line must be nearer its own point than any other, or it reads as theirs
  const ambiguous = (b: LabelBox, i: number) => {
    const own = dist(b, reqs[i]) - reqs[i].r;
    const g = reqs[i].group;
    return (
      own <= LEADER_AFTER &&
      reqs.some((q, j) => j !== i && (g === undefined || q.group !== g) && dist(b, q) - q.r < own + AMBIGUITY_MARGIN)
    );
  };
  const free = (b: LabelBox, i: number, strict: boolean) =>
    !ambiguous(b, i) &&
    b.x0 >= 0 &&
    b.y0 >= 0 &&
    b.x1 <= width &&
    b.y1 <= height &&
    !placed.some((p) => hits(b, p, LABEL_GAP)) &&
    !markers.some((m) => hits(b, m, LABEL_GAP)) &&
    !obstacles.hard.some((o) => hits(b, o, 0)) &&
    !(strict && obstacles.soft.some((o) => hits(b, o, 0)));
  const maxRadius = Math.hypot(width, height);
  for (const i of order) {
    const { px, py, w, r } = reqs[i];
    const g = r + 3;
    const at = (x0: number, y0: number): LabelBox => ({ x0, y0, x1: x0 + w, y1: y0 + h });
    // right, the right diagonals (just clear of a vertical whisker), left, the left diagonals, above, below
    const v = r + LABEL_GAP + 0.5;
    const near = [
      at(px + g, py - h / 2),
      at(px + 3, py - v - h),
      at(px + 3, py + v),
      at(px - g - w, py - h / 2),
      at(px - 3 - w, py - v - h),
      at(px - 3 - w, py + v),
      at(px - w / 2, py - g - h),
      at(px - w / 2, py + g),
    ];
    const ring = function* (limit: number) {
      for (let d = 8; d < limit; d += 5) {
        const n = Math.max(16, Math.ceil((2 * Math.PI * d) / 10));
        for (let k = 0; k < n; k++) {
          // start to the right and go round both ways alternately: angles nearest "right of the point" first
          const a = (Math.ceil(k / 2) * (k % 2 === 0 ? 1 : -1) * 2 * Math.PI) / n;
          const cx = px + Math.cos(a) * (d + w / 2);
          const cy = py + Math.sin(a) * (d + h / 2);
          yield at(cx - w / 2, cy - h / 2);
        }
      }
    };
    const search = (cands: Iterable<LabelBox>, strict: boolean): LabelBox | null => {
      for (const b of cands) if (free(b, i, strict)) return b;
      return null;
    };
    const found =
      search(near, true) ?? search(ring(SOFT_RADIUS), true) ?? search(near, false) ?? search(ring(maxRadius), false);
    if (found) {
      placed.push(found);
      out[i] = found;
    }
  }
  return out;
}
