import type { TtlConfig } from "../scenario/types.js";
import { accurateSteps } from "./request.js";

export interface TtlInput {
  width: number;
  height: number;
  steps: number;
  sampler: string;
  model: string | null;
  controlnet: boolean;
}

/** ImageProcessingGeneration.set_job_ttl (docs/model.md §3.2). */
export function hordeTtl(job: TtlInput, extraSlowWorker: boolean, cfg: TtlConfig): number {
  const m = (job.width * job.height) / cfg.reference_pixels;
  let ttl = cfg.base + accurateSteps(job.steps, job.sampler) * cfg.per_step * m;
  if (job.controlnet) ttl *= cfg.controlnet_multiplier;
  if (job.model !== null && cfg.heavy_models.includes(job.model)) ttl *= cfg.heavy_model_multiplier;
  if (ttl < cfg.floor) ttl = cfg.floor;
  if (extraSlowWorker) ttl *= cfg.extra_slow_multiplier;
  return ttl;
}
