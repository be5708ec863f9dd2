/**
 * The indices of the points that no other point dominates when both coordinates are minimised (a point
 * dominates another if it is no worse in both and better in one), in order of increasing x. Equal points
 * are all kept; points with a non-finite coordinate are never on the front.
 */
export function paretoFront(points: readonly { x: number; y: number }[]): number[] {
  const order = points
    .map((_, i) => i)
    .filter((i) => Number.isFinite(points[i].x) && Number.isFinite(points[i].y))
    .sort((a, b) => points[a].x - points[b].x || points[a].y - points[b].y || a - b);
  const front: number[] = [];
  for (const i of order) {
    const p = points[i];
    const last = front.length > 0 ? points[front[front.length - 1]] : null;
    if (last === null || p.y < last.y || (p.y === last.y && p.x === last.x)) front.push(i);
  }
  return front;
}

/** The cells on the Pareto front of mean p99 latency against mean wasted GPU-seconds. */
export function paretoCells(
  cells: readonly { cell: number; wasted_gpu_s: { mean: number | null }; latency_p99_s: { mean: number | null } }[],
): Set<number> {
  const points = cells
    .filter((c) => c.wasted_gpu_s.mean !== null && c.latency_p99_s.mean !== null)
    .map((c) => ({ cell: c.cell, x: c.wasted_gpu_s.mean as number, y: c.latency_p99_s.mean as number }));
  return new Set(paretoFront(points).map((i) => points[i].cell));
}
