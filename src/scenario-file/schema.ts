// The scenario file as users write it. Parsing it fills every default (the real AI Horde's, see
// docs/model.md) and converts durations to seconds and rates to events per second, giving a `Scenario`.
import { z } from "zod";
import { failureModeModule } from "../horde/failure-modes.js";
import { offeredLoad, scaleRates } from "../horde/load-factor.js";
import { type RuleKind, ruleNames, ruleParamsSchema } from "../policies/registry.js";
import type {
  ArrivalStream,
  Distribution,
  FailureMode,
  Flapping,
  PolicyConfig,
  RateSegment,
  RequestTemplate,
  RuleConfig,
  Scenario,
  UserClass,
  WorkerGroup,
} from "../scenario/types.js";
import { duration, nonNegativeInt, positiveDuration, positiveInt, probability, rate } from "../scenario/units.js";
import { heaviestOverlap } from "./failure-overlap.js";
import { describe, didYouMean, errorMap, unknownKeyMessage } from "./messages.js";
import { objectivesSchema } from "./objectives.js";
import { strict } from "./strict.js";

/**
 * Cross-field checks run only when the fields they read (all fields when none is named) have no problem of
 * their own: zod would otherwise run them after non-aborting issues, on values that failed their own checks.
 */
/**
 * At most this many requests per replication: a request held in the queue takes about 700 bytes (1e6 queued at
 * once measured 670 MB), so that an overloaded replication stays within about 4 GB.
 */
const MAX_EXPECTED_REQUESTS = 5e6;

function expectedArrivals(a: ArrivalStream, horizon: number): number {
  if (a.times !== null) return a.times.length;
  let total = 0;
  a.rate.forEach((seg, i) => {
    const end = Math.min(horizon, a.rate[i + 1]?.from ?? horizon);
    if (end > seg.from) total += seg.rate * (end - seg.from);
  });
  return total;
}

function whenClean(...fields: string[]) {
  return {
    when: (payload: z.core.ParsePayload) =>
      typeof payload.value === "object" &&
      payload.value !== null &&
      !payload.issues.some(
        (iss) => fields.length === 0 || (iss.path?.length ?? 0) === 0 || fields.includes(String(iss.path?.[0])),
      ),
  };
}

// ---------------------------------------------------------------------------------------------------------------
// Distributions

type Unit = "duration" | "speed";

function distributionSchema(unit: Unit) {
  const isTime = unit === "duration";
  const value = isTime ? duration : z.number().positive();
  const scale = isTime ? positiveDuration : z.number().positive();
  const spread = isTime ? duration : z.number().nonnegative();
  const minimum = isTime ? duration : z.number().nonnegative();
  const u = isTime ? "seconds" : "the quantity's unit (MPS/s for a speed, kudos for kudos)";
  const dist = <T extends string>(name: T) =>
    z.literal(name).describe("The distribution: exponential, uniform, lognormal, normal or choice");
  const object = z.discriminatedUnion("dist", [
    strict({ dist: dist("exponential"), mean: scale.describe(`Mean, in ${u}`) }),
    strict({
      dist: dist("uniform"),
      min: value.describe(`Smallest value, in ${u}`),
      max: value.describe(`Largest value, in ${u}`),
    }).refine((d) => d.max >= d.min, {
      path: ["max"],
      message: "must be at least min",
      ...whenClean("min", "max"),
    }),
    strict({
      dist: dist("lognormal"),
      median: scale.describe(`Median, in ${u}`),
      sigma: z.number().nonnegative().describe("Standard deviation of the logarithm (no unit)"),
    }),
    strict({
      dist: dist("normal"),
      mean: (isTime ? duration : scale).describe(`Mean, in ${u}`),
      sd: spread.describe(`Standard deviation, in ${u}`),
      min: minimum.prefault(0).describe(`Draws below this are raised to it, in ${u} (default 0)`),
    }),
    strict({ dist: dist("choice"), values: z.array(value).min(1).describe(`Equally likely values, in ${u}`) }),
  ]);
  const example = isTime ? "a duration such as 2s" : "a number such as 1.5";
  return z
    .union(
      [
        value.transform((v): Distribution => ({ kind: "constant", value: v })),
        object.transform((d): Distribution => {
          switch (d.dist) {
            case "exponential":
              return { kind: "exponential", mean: d.mean };
            case "uniform":
              return { kind: "uniform", min: d.min, max: d.max };
            case "lognormal":
              return { kind: "lognormal", median: d.median, sigma: d.sigma };
            case "normal":
              return { kind: "normal", mean: d.mean, sd: d.sd, min: d.min };
            case "choice":
              return { kind: "choice", values: d.values };
          }
        }),
      ],
      {
        error: (iss) =>
          `expected ${example} (a constant) or a mapping such as {dist: exponential, mean: ${isTime ? "10s" : "1.5"}}, got ${describe(iss.input)}`,
      },
    )
    .describe(
      `A constant (${example}) or {dist: exponential, mean} | {dist: uniform, min, max} | {dist: lognormal, median, sigma} | {dist: normal, mean, sd, min?} | {dist: choice, values: [...]}`,
    );
}

export const durationDistribution = distributionSchema("duration");
export const speedDistribution = distributionSchema("speed");

// ---------------------------------------------------------------------------------------------------------------
// Policy rules

/** A rule's or a module's constants failed their schema: each problem at its own key, typos with a suggestion. */
function addParamIssues(
  ctx: z.core.$RefinementCtx,
  issues: readonly z.core.$ZodIssue[],
  params: z.ZodType,
  common: string[],
): void {
  const known = params instanceof z.ZodObject ? [...common, ...Object.keys(params.shape)] : common;
  for (const iss of issues) {
    if (iss.code === "unrecognized_keys") {
      for (const key of iss.keys)
        ctx.addIssue({
          code: "unrecognized_keys",
          keys: [key],
          path: iss.path,
          message: unknownKeyMessage(key, known),
        });
    } else {
      ctx.addIssue({ code: "custom", path: iss.path, message: iss.message });
    }
  }
}

function ruleSchema(kind: RuleKind) {
  const names = ruleNames(kind);
  return z
    .union([z.string(), z.looseObject({ rule: z.string() })], {
      error: (iss) =>
        `expected a ${kind} rule name (${names.join(", ")}) or a mapping {rule: NAME, ...constants}, got ${describe(iss.input)}`,
    })
    .transform((value, ctx): RuleConfig => {
      const { rule, ...constants } = typeof value === "string" ? { rule: value } : value;
      const params = ruleParamsSchema(kind, rule);
      if (params === undefined) {
        ctx.addIssue({
          code: "custom",
          path: typeof value === "string" ? [] : ["rule"],
          input: rule,
          message: `unknown ${kind} rule "${rule}"${didYouMean(rule, names)}; valid ${kind} rules: ${names.join(", ")}`,
        });
        return z.NEVER;
      }
      const parsed = params.safeParse(constants, { error: errorMap });
      if (!parsed.success) {
        addParamIssues(ctx, parsed.error.issues, params, ["rule"]);
        return z.NEVER;
      }
      return { rule, ...(parsed.data as Record<string, unknown>) };
    });
}

/** The rule schema of each kind; json-schema.ts replaces them by a per-rule description of the constants. */
export const ruleSchemas: Record<RuleKind, ReturnType<typeof ruleSchema>> = {
  timeout: ruleSchema("timeout"),
  detector: ruleSchema("detector"),
  reassignment: ruleSchema("reassignment"),
};

const policyArm = strict({
  name: z.string().min(1).describe("Unique name of this arm; the first arm is the baseline"),
  timeout: ruleSchemas.timeout.prefault("horde").describe("How long a job may run (default: horde, the real formula)"),
  detector: ruleSchemas.detector
    .prefault("sweep")
    .describe("How a lost job is noticed (default: sweep, the Horde's periodic stale checker)"),
  reassignment: z
    .array(ruleSchemas.reassignment)
    .prefault(["pull"])
    .describe("Which worker may take a request (default: [pull], the first eligible poller)"),
  maintenance: z.boolean().default(true).describe("The Horde's 21-aborts-per-hour maintenance"),
}).transform(
  (a): PolicyConfig => ({
    name: a.name,
    timeout: a.timeout,
    detector: a.detector,
    reassignment: a.reassignment,
    maintenance: a.maintenance,
  }),
);

// ---------------------------------------------------------------------------------------------------------------
// Requests and arrivals

const dimension = z.number().int().positive().multipleOf(64).max(8192);

const requestTemplate = strict({
  weight: z.number().positive().default(1).describe("Relative frequency of this template in its stream's mix"),
  width: dimension.default(512).describe("Pixels, a multiple of 64 (default 512, the server's default)"),
  height: dimension.default(512).describe("Pixels, a multiple of 64 (default 512, the server's default)"),
  steps: positiveInt.max(500).optional().describe("Default 30, or 20 with controlnet (the server's defaults)"),
  sampler: z
    .string()
    .min(1)
    .default("k_euler_a")
    .describe(
      "Sampler name (default k_euler_a); k_dpm_adaptive counts 40 steps, second-order samplers twice (AI-Horde get_accurate_steps)",
    ),
  model: z.string().min(1).nullable().default(null).describe("Model named by the request; null: any model"),
  n: z.number().int().min(1).max(20).default(1).describe("Images requested (1..20)"),
  kudos: z.number().default(0).describe("The requester's kudos: the request's initial priority"),
  user: z
    .string()
    .min(1)
    .default("anon")
    .describe("The requester's name (default anon); a worker's owner pops its own requests first"),
  slow_workers: z
    .boolean()
    .default(true)
    .describe("Allow workers slower than server.speed.slow_gate (default true, the server's default)"),
  extra_slow_workers: z
    .boolean()
    .default(false)
    .describe("Allow extra-slow workers (default false: the user must opt in, the server's default)"),
  controlnet: z.boolean().default(false).describe("Uses ControlNet: TTL ×2, 20 steps by default (default false)"),
  job_time: durationDistribution
    .nullable()
    .prefault(null)
    .describe("Overrides the size-based job time (validation against queueing theory)"),
}).transform(
  (t): RequestTemplate => ({
    weight: t.weight,
    width: t.width,
    height: t.height,
    steps: t.steps ?? (t.controlnet ? 20 : 30),
    sampler: t.sampler,
    model: t.model,
    n: t.n,
    kudos: t.kudos,
    user: t.user,
    slow_workers: t.slow_workers,
    extra_slow_workers: t.extra_slow_workers,
    controlnet: t.controlnet,
    job_time: t.job_time,
  }),
);

const rateSegment = strict({
  from: duration.describe("Start of this segment, a duration from simulated time 0 (the first segment starts at 0)"),
  rate: rate.describe("Poisson rate from then on: 400/h, 2/min, or a number per second"),
});

const piecewiseRate = z
  .array(rateSegment)
  .min(1)
  .superRefine((segments, ctx) => {
    if (segments.length === 0) return;
    if (segments[0].from !== 0)
      ctx.addIssue({
        code: "custom",
        path: [0, "from"],
        message: `the first segment must start at 0, got ${segments[0].from} s`,
      });
    for (let i = 1; i < segments.length; i++) {
      if (segments[i].from <= segments[i - 1].from)
        ctx.addIssue({
          code: "custom",
          path: [i, "from"],
          message: `must be after the previous segment's from (${segments[i - 1].from} s), got ${segments[i].from} s`,
        });
    }
  }, whenClean());

const dailyProfile = strict({
  mean: rate.describe("The day's mean rate"),
  hourly: z
    .array(z.number().nonnegative())
    .length(24)
    .refine((h) => h.some((v) => v > 0), { message: "at least one hour must have a positive weight" })
    .describe("Relative weights of the 24 hours from 00:00; hour h runs at mean × 24 × w_h / Σw"),
}).transform((p): PeriodicRate => {
  const total = p.hourly.reduce((sum, w) => sum + w, 0);
  return {
    segments: p.hourly.map((w, h) => ({ from: h * 3600, rate: (p.mean * 24 * w) / total })),
    period: 86400,
  };
});

interface PeriodicRate {
  segments: RateSegment[];
  period: number | null;
}

const rateField = z
  .union(
    [
      rate.transform((r): PeriodicRate => ({ segments: [{ from: 0, rate: r }], period: null })),
      piecewiseRate.transform((segments): PeriodicRate => ({ segments, period: null })),
      dailyProfile,
    ],
    {
      error: (iss) =>
        `expected a rate such as 400/h, a list [{from: 0h, rate: 300/h}, ...] or a daily profile {mean: 400/h, hourly: [24 weights]}, got ${describe(iss.input)}`,
    },
  )
  .describe(
    "Poisson rate: 400/h, 2/min, a number per second, piecewise [{from: 0h, rate: 300/h}, {from: 6h, rate: 900/h}], or a daily profile {mean: 400/h, hourly: [24 weights]} repeated every day",
  );

const kudosValue = z
  .union([z.number().transform((value): Distribution => ({ kind: "constant", value })), speedDistribution], {
    error: (iss) =>
      `expected a number or a distribution such as {dist: lognormal, median: 3000, sigma: 1}, got ${describe(iss.input)}`,
  })
  .describe("Kudos: a number (any sign) or a distribution of positive values, drawn per arrival");

const userClass = strict({
  name: z.string().min(1).describe("Name of this user class (unique in the stream), e.g. anonymous"),
  weight: z.number().positive().default(1).describe("Relative frequency of this class among the stream's arrivals"),
  kudos: kudosValue.prefault(0),
  user: z.string().min(1).optional().describe("The requester's name; default: the template's user"),
  patience: durationDistribution
    .optional()
    .describe(
      "Seconds the user waits for the images (drawn per arrival, from its first submission; resubmissions included) before the client cancels the request as DELETE /v2/generate/status/{id} does: n = 0, jobs = finished; jobs in flight run on and are paid (AI-Horde ImageAsyncStatus.delete). Recorded as the outcome abandoned, a failure. Default: never",
    ),
}).transform(
  (c): UserClass => ({
    name: c.name,
    weight: c.weight,
    kudos: c.kudos,
    user: c.user ?? null,
    patience: c.patience ?? null,
  }),
);

const modelShare = strict({
  name: z.string().min(1).describe("Model name, as the workers declare it"),
  weight: z.number().positive().describe("Relative frequency of this model among the stream's arrivals"),
});

const arrivalStream = strict({
  name: z.string().min(1).describe("Name of this arrival stream (unique)"),
  rate: rateField.optional(),
  times: z
    .array(duration)
    .nullable()
    .prefault(null)
    .describe("Exact submission times, ascending (trace replay); replaces rate"),
  mix: z.array(requestTemplate).min(1).describe("Request templates, drawn by weight"),
  classes: z
    .array(userClass)
    .prefault([])
    .describe(
      "Kinds of users (e.g. anonymous, registered, high-kudos), drawn per arrival; their kudos replaces the template's",
    ),
  models: z
    .array(modelShare)
    .prefault([])
    .describe("Models drawn per arrival by weight; replaces the template's model"),
})
  .superRefine(
    (s, ctx) => {
      if (s.rate === undefined && s.times === null)
        ctx.addIssue({ code: "custom", path: ["rate"], input: undefined, message: "required (or give times)" });
      if (s.times !== null) {
        for (let i = 1; i < s.times.length; i++) {
          if (s.times[i] < s.times[i - 1])
            ctx.addIssue({ code: "custom", path: ["times", i], message: "times must be in ascending order" });
        }
      }
    },
    whenClean("rate", "times"),
  )
  .superRefine(
    (s, ctx) => {
      requireUniqueNames(s.classes, "classes", "user class", ctx);
      requireUniqueNames(s.models, "models", "model", ctx);
    },
    whenClean("classes", "models"),
  )
  .transform(
    (s): ArrivalStream => ({
      name: s.name,
      rate: s.rate?.segments ?? [{ from: 0, rate: 0 }],
      period: s.rate?.period ?? null,
      times: s.times,
      mix: s.mix,
      classes: s.classes,
      models: s.models,
    }),
  );

// ---------------------------------------------------------------------------------------------------------------
// Workers

const jobFilter = strict({
  width: dimension.optional().describe("Only jobs of this width, in pixels (default: any)"),
  height: dimension.optional().describe("Only jobs of this height, in pixels (default: any)"),
  steps: positiveInt.optional().describe("Only jobs with this many steps, as requested (default: any)"),
  sampler: z.string().min(1).optional().describe("Only jobs with this sampler (default: any)"),
  models: z.array(z.string().min(1)).optional().describe("Only jobs of one of these models (default: any)"),
  min_mps: z.number().nonnegative().optional().describe("Only jobs of at least this many MPS (default: any)"),
  max_mps: z.number().nonnegative().optional().describe("Only jobs of at most this many MPS (default: any)"),
}).refine((f) => f.min_mps === undefined || f.max_mps === undefined || f.max_mps >= f.min_mps, {
  path: ["max_mps"],
  message: "must be at least min_mps",
  ...whenClean("min_mps", "max_mps"),
});

const timeWindow = strict({
  from: duration.describe("Start of the window, a duration from simulated time 0"),
  to: duration.describe("End of the window (excluded), a duration from simulated time 0"),
}).refine((w) => w.to > w.from, {
  path: ["to"],
  message: "must be after from",
  ...whenClean("from", "to"),
});

const failureBase = {
  probability: probability.prefault(1).describe("Probability per job (default 1: every job)"),
  share: probability
    .prefault(1)
    .describe("Share of the group's workers with this mode: the first round(share × count) (default 1: all)"),
  when: jobFilter.optional().describe("Only jobs that match every field given"),
  active: z.array(timeWindow).optional().describe("Only jobs popped inside one of these windows [from, to)"),
};

const modeDoc =
  "hang: accepts and never returns; crash: stops polling and loses its jobs; slow: takes multiplier × longer; fault: reports a fault after delay; late: returns delay after the TTL";
/** A user's own mode as the loader leaves it (json-schema.ts describes it as the path a user writes). */
export const moduleFailureShape = z.looseObject({
  mode: z.literal("module").describe("The module's path, relative to the scenario, e.g. ./modes/throttle.ts"),
  module: z.string().describe("Set by the loader: the module file's absolute path (never written by hand)"),
  ...failureBase,
});

const failureMode = z.discriminatedUnion("mode", [
  strict({
    mode: z.literal("hang").describe(modeDoc),
    ...failureBase,
    hold: durationDistribution
      .prefault("320s")
      .describe(
        "Seconds the slot stays taken, drawn per job (default 320 s: reGen's process_timeout 300 s + 20 s before _purge_jobs; docs/model.md §5.3)",
      ),
  }),
  strict({
    mode: z.literal("crash").describe(modeDoc),
    ...failureBase,
    downtime: durationDistribution.prefault("5m").describe("Seconds until the worker is back (default 5 min)"),
  }),
  strict({
    mode: z.literal("slow").describe(modeDoc),
    ...failureBase,
    multiplier: z.number().gt(1).default(3).describe("The job takes this many times longer (default 3)"),
  }),
  strict({
    mode: z.literal("fault").describe(modeDoc),
    ...failureBase,
    delay: durationDistribution
      .prefault("20s")
      .describe("Seconds from the job's start to the reported fault (default 20 s)"),
  }),
  strict({
    mode: z.literal("late").describe(modeDoc),
    ...failureBase,
    delay: durationDistribution.prefault("30s").describe("Seconds past the job's TTL when it returns (default 30 s)"),
  }),
  moduleFailureMode(),
]);

/**
 * A user's own mode, `mode: ./modes/x.ts` with its constants beside the common fields: the loader
 * (user-rules/load.ts) has imported the file and rewritten `mode` to "module" and `module` to its path.
 */
function moduleFailureMode() {
  const common = ["mode", ...Object.keys(failureBase)];
  return moduleFailureShape.transform((value, ctx): FailureMode => {
      const { mode: _mode, module: key, probability, share, when, active, ...constants } = value;
      const module = failureModeModule(key);
      if (module === undefined) {
        ctx.addIssue({ code: "custom", path: ["mode"], message: `the failure mode module ${key} was not loaded` });
        return z.NEVER;
      }
      const parsed = module.params.safeParse(constants, { error: errorMap });
      if (!parsed.success) {
        addParamIssues(ctx, parsed.error.issues, module.params, common);
        return z.NEVER;
      }
      const params = parsed.data as Record<string, unknown>;
      return {
        mode: "module",
        module: key,
        probability,
        share,
        params,
        ...(when === undefined ? {} : { when }),
        ...(active === undefined ? {} : { active }),
      };
    });
}

const flapping = strict({
  period: positiveDuration.describe("Seconds from one outage to the next"),
  down: positiveDuration.describe("Seconds each outage lasts (less than period)"),
  phase: duration.prefault(0).describe("Seconds from time 0 to the first outage (default 0)"),
})
  .refine((f) => f.down < f.period, {
    path: ["down"],
    message: "must be less than period",
    ...whenClean("down", "period"),
  })
  .transform((f): Flapping => ({ period: f.period, down: f.down, phase: f.phase }));

const workerGroup = strict({
  name: z.string().min(1).describe("Name of this worker group (unique); a group of one worker is named so"),
  count: positiveInt.max(100_000).default(1).describe("Workers in the group (default 1)"),
  models: z
    .array(z.string().min(1))
    .default([])
    .describe("Models the worker declares; [] serves only requests that name no model"),
  max_pixels: positiveInt
    .default(1048576)
    .describe("Largest width × height the worker takes, in pixels (default 1048576 = 1024²; AI-Horde pop filter)"),
  slots: positiveInt
    .max(1000)
    .default(2)
    .describe("Jobs held at once (default 2: reGen api_job_pop, queue_size 1 + max_threads 1)"),
  threads: positiveInt
    .max(1000)
    .default(1)
    .describe("Jobs inferred at once (default 1: reGen max_threads); at most slots"),
  speed: speedDistribution
    .prefault({ dist: "lognormal", median: 1.5, sigma: 0.3 })
    .describe("MPS/s, drawn once per worker (default lognormal, median 1.5, sigma 0.3: an assumption)"),
  jitter: z
    .number()
    .nonnegative()
    .default(0.1)
    .describe("Lognormal sigma of the per-job speed variation, no unit (default 0.1: an assumption)"),
  overhead: durationDistribution
    .prefault("2s")
    .describe("Seconds per job besides sampling: upload, safety check, HTTP (default 2 s: an assumption)"),
  model_load: durationDistribution.prefault(0).describe("Seconds to switch model (default 0)"),
  extra_slow_worker: z
    .boolean()
    .default(false)
    .describe("Declares itself extra slow: only opted-in requests, TTL ×3, expiry 60 min (default false)"),
  poll_interval: duration
    .prefault("1s")
    .describe(
      "Seconds the worker's pop loop sleeps after each answer (default 1 s: reGen process_manager.py, _api_call_loop sleeps _api_call_loop_interval; _default_job_pop_frequency = 1 s is then always met); 0: ask the instant a slot is free",
    ),
  error_poll_interval: duration
    .prefault("5s")
    .describe(
      "Least seconds between two pops after an API error, here the 403 of a worker in maintenance (default 5 s: reGen _error_job_pop_frequency)",
    ),
  pop_round_trip: durationDistribution
    .prefault({ dist: "lognormal", median: 1.5, sigma: 0.4 })
    .describe(
      "Seconds from sending a pop to its answer; the server takes the request when it answers (default lognormal, median 1.5 s, sigma 0.4, 5th-95th percentile 0.8-2.9 s: reGen workers on the internet log 'Job pop took' 0.83, 1.63 and 2.78 s; a local AI-Horde server on loopback answers in 26 ms, median, 95th percentile 52 ms). An idle worker's empty pops take the mean",
    ),
  owner: z.string().min(1).optional().describe("The owner's user name (default: the group name)"),
  failures: z
    .array(failureMode)
    .prefault([])
    .describe("How the group's workers fail, per job; exclusive, probabilities sum to at most 1 (default none)"),
  flapping: flapping.nullable().prefault(null).describe("Periodic outages {period, down, phase} (default null: none)"),
})
  .superRefine(
    (g, ctx) => {
      if (g.threads > g.slots)
        ctx.addIssue({
          code: "custom",
          path: ["threads"],
          message: `must be at most slots (${g.slots}), got ${g.threads}`,
        });
    },
    whenClean("threads", "slots"),
  )
  .superRefine((g, ctx) => {
    const { total, modes } = heaviestOverlap(g.failures);
    if (total > 1 + 1e-9) {
      const which =
        modes.length === g.failures.length
          ? ""
          : ` (${modes.map((i) => `failures[${i}]`).join(", ")} can strike the same job)`;
      ctx.addIssue({
        code: "custom",
        path: ["failures"],
        message: `the probabilities of failure modes that can strike the same job must sum to at most 1, got ${Number(total.toFixed(6))}${which}`,
      });
    }
  }, whenClean("failures"))
  .transform(
    (g): WorkerGroup => ({
      name: g.name,
      count: g.count,
      models: g.models,
      max_pixels: g.max_pixels,
      slots: g.slots,
      threads: g.threads,
      speed: g.speed,
      jitter: g.jitter,
      overhead: g.overhead,
      model_load: g.model_load,
      extra_slow_worker: g.extra_slow_worker,
      poll_interval: g.poll_interval,
      error_poll_interval: g.error_poll_interval,
      pop_round_trip: g.pop_round_trip,
      owner: g.owner ?? g.name,
      failures: g.failures.map((f): FailureMode => f),
      flapping: g.flapping,
    }),
  );

// ---------------------------------------------------------------------------------------------------------------
// Server and client

const TTL_SOURCE = "AI-Horde horde/classes/stable/processing_generation.py: set_job_ttl";
const ttlConfig = strict({
  floor: duration.prefault("150s").describe(`Seconds: the shortest TTL (default 150 s; ${TTL_SOURCE})`),
  base: duration.prefault("30s").describe(`Seconds every job gets before its steps (default 30 s; ${TTL_SOURCE})`),
  per_step: duration
    .prefault("2s")
    .describe(`Seconds per accurate step at reference_pixels (default 2 s; ${TTL_SOURCE})`),
  reference_pixels: positiveInt
    .default(262144)
    .describe(`Pixels the per-step time is for (default 262144 = 512²; ${TTL_SOURCE})`),
  controlnet_multiplier: z
    .number()
    .positive()
    .default(2)
    .describe(`TTL multiplier for ControlNet requests, before the floor (default 2; ${TTL_SOURCE})`),
  heavy_model_multiplier: z
    .number()
    .positive()
    .default(3)
    .describe(
      `TTL multiplier when a requested model has a heavy baseline, before the floor (default 3; ${TTL_SOURCE})`,
    ),
  heavy_models: z
    .array(z.string().min(1))
    .default(["flux_1", "qwen_image", "z_image_turbo"])
    .describe(
      `Model names (or baselines) that get heavy_model_multiplier (default flux_1, qwen_image, z_image_turbo; ${TTL_SOURCE})`,
    ),
  extra_slow_multiplier: z
    .number()
    .positive()
    .default(3)
    .describe(`TTL multiplier for extra-slow workers, after the floor (default 3; ${TTL_SOURCE})`),
});

/** The real server's TTL constants: the defaults of a scenario's server.ttl. */
export const DEFAULT_TTL = ttlConfig.parse({}) as Scenario["server"]["ttl"];

const serverConfig = strict({
  ttl: ttlConfig
    .prefault({})
    .describe(
      "The job TTL: max(floor, (base + steps·per_step·pixels/reference_pixels)·multipliers), ×extra_slow_multiplier (AI-Horde set_job_ttl; docs/model.md §3.2)",
    ),
  sweep: strict({
    period: positiveDuration
      .prefault("60s")
      .describe(
        "Seconds the stale checker sleeps after each run (default 60 s; AI-Horde horde/database/__init__.py: PrimaryTimedFunction(60, check_waiting_prompts))",
      ),
    run_time: durationDistribution
      .prefault("0.051s")
      .describe(
        "Seconds of one run that do not grow with the jobs; a run takes run_time + per_job x open jobs + per_abort x aborts, and the next starts period after it ends (default 51 ms: with per_job and per_abort, the fit of a local AI-Horde server's check_waiting_prompts, offline, 2 cores, loopback: 73 ms with 16 jobs in flight and none stale, 62 ms with 1 abort, 214 ms with 15 aborts; AI-Horde threads.py: check_waiting_prompts loads every processing generation)",
      ),
    per_job: duration
      .prefault("1.4ms")
      .describe(
        "Seconds per open job the run loads: it loads every processing generation (default 1.4 ms: the same fit)",
      ),
    per_abort: duration
      .prefault("9.5ms")
      .describe("Seconds per stale job the run aborts: abort, n += 1, commit (default 9.5 ms: the same fit)"),
    phase: duration
      .nullable()
      .default(null)
      .describe(
        "Seconds from time 0 to the first run (default null: drawn uniformly in the first period, per replication)",
      ),
  })
    .prefault({})
    .describe(
      "The stale checker, which aborts jobs past their TTL (AI-Horde horde/database/threads.py: check_waiting_prompts)",
    ),
  aging: strict({
    interval: positiveDuration
      .prefault("10s")
      .describe(
        "Seconds between priority raises (default 10 s; AI-Horde PrimaryTimedFunction(10, increment_extra_priority))",
      ),
    increment: z
      .number()
      .nonnegative()
      .default(50)
      .describe(
        "Priority added to each waiting request at every raise (default 50; AI-Horde increment_extra_priority)",
      ),
  })
    .prefault({})
    .describe("Priority aging of waiting requests (n > 0)"),
  expiry: strict({
    normal: positiveDuration
      .prefault("20m")
      .describe(
        "Seconds a request lives after submission, each pop and each delivery (default 20 min; AI-Horde horde/utils.py: get_expiry_date)",
      ),
    extra_slow: positiveDuration
      .prefault("60m")
      .describe("Seconds after a pop by an extra-slow worker (default 60 min; AI-Horde get_extra_slow_expiry_date)"),
  })
    .prefault({})
    .describe("A request's own time to live (AI-Horde WaitingPrompt.refresh)"),
  max_faulted_jobs: nonNegativeInt
    .default(2)
    .describe(
      "A request is faulted with more than this many faulted jobs (default 2: 3 strikes; AI-Horde check_waiting_prompts)",
    ),
  maintenance: strict({
    enabled: z
      .boolean()
      .default(true)
      .describe("Whether dropping too many jobs puts a worker in maintenance (default true)"),
    abort_threshold: nonNegativeInt
      .default(20)
      .describe(
        "Maintenance on the abort after this many in one window (default 20; AI-Horde WorkerTemplate.log_aborted_job)",
      ),
    window: positiveDuration
      .prefault("1h")
      .describe("Seconds of the tumbling window opened by the first abort (default 1 h; AI-Horde log_aborted_job)"),
  })
    .prefault({})
    .describe("The worker's penalty for dropping jobs (AI-Horde WorkerTemplate.log_aborted_job)"),
  speed: strict({
    samples: positiveInt
      .default(20)
      .describe(
        "Delivery samples a worker's measured speed is the mean of (default 20; AI-Horde refresh_worker_speeds)",
      ),
    baseline: z
      .number()
      .positive()
      .default(1)
      .describe("MPS/s of a worker with no samples (default 1; AI-Horde WorkerTemplate._baseline_speed)"),
    slow_gate: z
      .number()
      .nonnegative()
      .default(0.5)
      .describe(
        "MPS/s below which slow_workers: false requests skip a worker (default 0.5; AI-Horde get_sorted_wp_filtered_to_worker)",
      ),
  })
    .prefault({})
    .describe(
      "The worker speed the server measures, pop to submit (AI-Horde horde/classes/base/stats.py: record_fulfilment)",
    ),
  online_timeout: positiveDuration
    .prefault("300s")
    .describe(
      "Seconds without a pop before the server shows a worker offline (default 300 s; AI-Horde WorkerTemplate.is_stale); not read by the model",
    ),
});

const clientConfig = strict({
  poll_interval: duration
    .prefault(0)
    .describe("Seconds between the user's status checks; 0 (default): the user sees the result at once"),
  resubmit: strict({
    max: nonNegativeInt.default(0).describe("Resubmissions per request at most (default 0: the user gives up)"),
    delay: durationDistribution
      .prefault("30s")
      .describe("Seconds from seeing the failure to resubmitting (default 30 s: an assumption)"),
  })
    .prefault({})
    .describe("After a failed request the user submits it again at most max times"),
});

// ---------------------------------------------------------------------------------------------------------------
// Scenario

function isDateText(s: string): boolean {
  return /^\d{4}-\d{2}-\d{2}/.test(s) && !Number.isNaN(Date.parse(s));
}

/** Runs even when other fields have problems, so it reads the raw list defensively. */
function requireUniqueNames(items: unknown, path: string, what: string, ctx: z.core.$RefinementCtx) {
  if (!Array.isArray(items)) return;
  const seen = new Map<string, number>();
  items.forEach((item: unknown, i) => {
    const name = (item as { name?: unknown } | null)?.name;
    if (typeof name !== "string") return;
    const first = seen.get(name);
    if (first === undefined) seen.set(name, i);
    else
      ctx.addIssue({
        code: "custom",
        path: [path, i, "name"],
        message: `duplicate ${what} name "${name}" (also ${path}[${first}])`,
      });
  });
}

// ---------------------------------------------------------------------------------------------------------------
// Sweeps (read by `hordesim sweep`; `hordesim run` ignores them)

const sweepValue = z.union([z.string(), z.number(), z.boolean()]);

export const sweepGridSchema = strict({
  arms: z
    .array(z.string().min(1))
    .min(1)
    .optional()
    .describe("The arms to run this grid for (default: the arms its policies[…] paths name, else every arm)"),
  set: z
    .record(z.string().min(1), z.array(sweepValue).min(1))
    .refine((m) => Object.keys(m).length > 0, { message: "name at least one setting to sweep" })
    .describe("PATH: [values]; the grid is the cross product of the value lists"),
});

export const sweepBlockSchema = z
  .array(sweepGridSchema)
  .min(1)
  .describe("Grids of `hordesim sweep`: each runs the cross product of its values for each of its arms");

const targetFigure = z.number().nonnegative();
export const targetsSchema = strict({
  source: z.string().min(1).describe("Where the figures come from, e.g. the snapshot file"),
  queued_requests: targetFigure.optional().describe("The snapshot's queued_requests"),
  queued_mps: targetFigure.optional().describe("The snapshot's queued_megapixelsteps"),
  delivered_mps_per_s: targetFigure.optional().describe("The snapshot's past_minute_megapixelsteps / 60"),
})
  .refine((t) => t.queued_requests !== undefined || t.queued_mps !== undefined || t.delivered_mps_per_s !== undefined, {
    message: "name at least one of queued_requests, queued_mps, delivered_mps_per_s",
  })
  .describe("A /status/performance snapshot's figures: `hordesim run` prints the run's time-averages beside them");

export const scenarioSchema = strict({
  name: z.string().min(1).describe("The scenario's name: the default result folder is results/NAME"),
  description: z.string().default("").describe("Free text: what the scenario is and where its figures come from"),
  horizon: positiveDuration
    .refine((h) => h <= 366 * 86400, { message: "must be at most 366 days" })
    .describe("Simulated time to run, e.g. 24h"),
  warmup: duration.prefault(0).describe("Requests submitted before this are left out of the statistics"),
  measure_until: positiveDuration
    .nullable()
    .default(null)
    .describe(
      "Requests submitted at or after this run, but are left out of the statistics, so that the last minutes do not count requests whose fate the horizon cut (default null: the horizon)",
    ),
  start_time: z
    .string()
    .refine(isDateText, { message: "expected an ISO 8601 date such as 2025-09-29T00:00:00Z" })
    .default("2025-09-29T00:00:00Z")
    .describe("Wall-clock time of simulated second 0 (for horde.log)"),
  seed: nonNegativeInt
    .default(1)
    .describe("Seed of replication 1; replication r uses the same seed in every arm (default 1; --seed overrides)"),
  replications: positiveInt
    .max(10_000)
    .default(5)
    .describe("Replications per arm (default 5; --replications overrides)"),
  sample_interval: duration
    .prefault("60s")
    .describe("Seconds between samples of the queue and jobs in flight; 0: none"),
  server: serverConfig.prefault({}).describe("The server's constants; defaults are the real AI Horde's"),
  client: clientConfig
    .prefault({})
    .describe("The users' side: how often they check a request and whether they resubmit"),
  arrivals: z.array(arrivalStream).min(1).describe("Streams of requests, each with its rate and request mix"),
  workers: z
    .array(workerGroup)
    .min(1)
    .describe("Groups of workers, each with its models, size limit, speed and failures"),
  policies: z
    .array(policyArm)
    .min(1)
    .prefault([{ name: "horde" }])
    .describe("The arms to compare; the first is the baseline"),
  objectives: objectivesSchema,
  sweep: sweepBlockSchema.optional(),
  load: z
    .number()
    .positive()
    .max(10)
    .optional()
    .describe(
      "Offered load ρ: every arrival rate is scaled so that the offered MPS/s is ρ × the fleet's capacity (src/horde/load-factor.ts)",
    ),
  targets: targetsSchema.optional(),
})
  .superRefine(
    (s, ctx) => {
      if (s.warmup >= s.horizon)
        ctx.addIssue({
          code: "custom",
          path: ["warmup"],
          message: `must be less than horizon (${s.horizon} s), got ${s.warmup} s`,
        });
    },
    whenClean("warmup", "horizon"),
  )
  .superRefine(
    (s, ctx) => {
      if (s.measure_until !== null && (s.measure_until <= s.warmup || s.measure_until > s.horizon))
        ctx.addIssue({
          code: "custom",
          path: ["measure_until"],
          message: `must be after warmup (${s.warmup} s) and at most horizon (${s.horizon} s), got ${s.measure_until} s`,
        });
    },
    whenClean("measure_until", "warmup", "horizon"),
  )
  .superRefine(
    (s, ctx) => {
      if (s.targets !== undefined && s.sample_interval === 0)
        ctx.addIssue({
          code: "custom",
          path: ["sample_interval"],
          message: "must be more than 0 with targets: the figures are time-averages of the queue samples",
        });
    },
    whenClean("targets", "sample_interval"),
  )
  .superRefine(
    (s, ctx) => {
      const expected = s.arrivals.reduce((sum, a) => sum + expectedArrivals(a, s.horizon), 0);
      if (expected > MAX_EXPECTED_REQUESTS)
        ctx.addIssue({
          code: "custom",
          path: ["arrivals"],
          message: `would submit about ${expected.toExponential(2)} requests per replication over the horizon; the limit is ${MAX_EXPECTED_REQUESTS.toExponential(0)}`,
        });
    },
    whenClean("arrivals", "horizon"),
  )
  .superRefine(
    (s, ctx) => {
      requireUniqueNames(s.arrivals, "arrivals", "arrival stream", ctx);
      requireUniqueNames(s.workers, "workers", "worker group", ctx);
      requireUniqueNames(s.policies, "policies", "policy arm", ctx);
      requireUniqueNames(s.objectives, "objectives", "objective", ctx);
    },
    { when: () => true },
  )
  .superRefine(
    (s, ctx) => {
      if (s.load === undefined) return;
      s.arrivals.forEach((a, i) => {
        if (a.times !== null)
          ctx.addIssue({
            code: "custom",
            path: ["load"],
            message: `cannot scale arrivals[${i}] (${a.name}): it replays given times`,
          });
        if (a.mix.some((t) => t.job_time !== null))
          ctx.addIssue({
            code: "custom",
            path: ["load"],
            message: `cannot work out the load of arrivals[${i}] (${a.name}): a template overrides job_time`,
          });
      });
    },
    whenClean("load", "arrivals", "workers", "horizon"),
  )
  .transform(
    (s): Scenario => ({
      name: s.name,
      description: s.description,
      horizon: s.horizon,
      warmup: s.warmup,
      measure_until: s.measure_until,
      start_time: s.start_time,
      seed: s.seed,
      replications: s.replications,
      sample_interval: s.sample_interval,
      server: s.server,
      client: s.client,
      arrivals:
        s.load === undefined
          ? s.arrivals
          : scaleRates(s.arrivals, s.load / offeredLoad(s.arrivals, s.workers, s.horizon)),
      workers: s.workers,
      policies: s.policies,
      objectives: s.objectives,
      ...(s.targets === undefined ? {} : { targets: s.targets }),
    }),
  )
  .describe("A hordesim scenario");

type Exactly<A, B> = [A] extends [B] ? ([B] extends [A] ? true : never) : never;
/** Compile-time checks: the schema's output is exactly the resolved type the simulator reads. */
export const schemaOutputIsScenario: Exactly<z.output<typeof scenarioSchema>, Scenario> = true;
export const serverOutputIsServerConfig: Exactly<z.output<typeof serverConfig>, Scenario["server"]> = true;
export const clientOutputIsClientConfig: Exactly<z.output<typeof clientConfig>, Scenario["client"]> = true;
