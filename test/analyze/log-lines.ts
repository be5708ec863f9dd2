// Log lines in the real server's formats (docs/model.md §10), written by hand for the tests.

const WHERE = {
  pop: "horde.classes.base.waiting_prompt:start_generation:288",
  deliver: "horde.classes.base.processing_generation:record:175",
  abort: "horde.classes.stable.processing_generation:log_aborted_generation:118",
  faulted: "horde.classes.base.waiting_prompt:log_faulted_prompt:512",
  worker: "horde.classes.base.worker:report_suspicion:120",
};

export function rec(time: string, level: string, where: string, message: string): string {
  return `${time} | ${level.padEnd(8)} | ${where} - ${message}`;
}

export function pop(
  time: string,
  job: string,
  wp: string,
  workerId: string,
  name: string,
  ip = "10.0.0.1",
  left = 0,
  fake = false,
): string {
  return rec(
    time,
    "INFO",
    WHERE.pop,
    `${fake ? "FAKE " : ""}Procgen with ID ${job} popped from WP ${wp} by worker ${workerId} ('${name}' / ${ip}) - ${left} gens left`,
  );
}

export function deliver(time: string, job: string, wp: string, name: string, kudos = 41.94, cancelled = false): string {
  return rec(
    time,
    "INFO",
    WHERE.deliver,
    `New ${cancelled ? "Cancelled " : ""}Generation ${job} worth ${kudos} kudos, delivered by worker: ${name} for wp ${wp}  (requesting user anon#0 [1.2.3.4])`,
  );
}

export function abort(time: string, job: string, wp: string, size: string, name: string, workerId: string): string {
  return rec(
    time,
    "INFO",
    WHERE.abort,
    `Aborted Stale Generation ${job} of wp ${wp} (${size}) from by worker: ${name} (${workerId})`,
  );
}

export function abortGeneric(time: string, job: string, name: string, workerId: string): string {
  return rec(time, "INFO", WHERE.abort, `Aborted Stale Generation ${job} from by worker: ${name} (${workerId})`);
}

export function faulted(time: string, wp: string, payload: string): string {
  return rec(
    time,
    "WARNING",
    WHERE.faulted,
    `Faulting waiting prompt ${wp} with payload '${payload}' due to too many faulted jobs`,
  );
}

export function suspicion(time: string, workerId: string, reason: string): string {
  return rec(time, "WARNING", WHERE.worker, `Worker '${workerId}' suspicion increased. Reason: ${reason}`);
}

export const IDS = {
  wp: "6745ea8c-cdc5-46e3-a6ee-40228b74ca3b",
  half: "106e77b1-0bd3-477d-97bd-d8308f9fc10a",
  ameli: "8bef6410-8d74-4a24-b20d-57e593580dff",
  ameli2: "0a889c4b-2397-4b15-ab85-8ac772fb70e7",
  job1: "7a61b5ad-0000-4000-a000-000000000001",
  job2: "df495c4e-0000-4000-a000-000000000002",
  job3: "f5f4428f-0000-4000-a000-000000000003",
  half_name: "half5090ya11.Ae5JCH4WfWcu4wjZmv8ZpTPRcK11y3Cb95",
  ameli_name: "ameli0x.AdD3DPyBpd2pgoAQD59EwZLniVwmC6Gfj9",
  ameli2_name: "ameli0x_2.AdD3DPyBpd2pgoAQD59EwZLniVwmC6Gfj9",
};

/** The incident report's WP 6745ea8c… timeline: 3 pops, 3 aborts, then the request is faulted. */
export function incidentTimeline(day = "2025-09-29"): string[] {
  const size = "1024x1024x4@k_euler";
  return [
    pop(`${day} 17:41:08.000`, IDS.job1, IDS.wp, IDS.half, IDS.half_name, "74.143.56.82"),
    abort(`${day} 17:44:04.000`, IDS.job1, IDS.wp, size, IDS.half_name, IDS.half),
    pop(`${day} 17:44:05.000`, IDS.job2, IDS.wp, IDS.ameli, IDS.ameli_name, "99.98.240.178"),
    abort(`${day} 17:47:04.000`, IDS.job2, IDS.wp, size, IDS.ameli_name, IDS.ameli),
    pop(`${day} 17:47:05.000`, IDS.job3, IDS.wp, IDS.ameli, IDS.ameli_name, "99.98.240.178"),
    abort(`${day} 17:50:04.000`, IDS.job3, IDS.wp, size, IDS.ameli_name, IDS.ameli),
    faulted(
      `${day} 17:50:04.100`,
      IDS.wp,
      "{'sampler_name': 'k_euler', 'cfg_scale': 2.0, 'width': 1024, 'height': 1024, 'steps': 4, 'n': 1, 'prompt': \"a cat's hat\"}",
    ),
  ];
}
