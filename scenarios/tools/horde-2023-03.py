# Writes scenarios/horde-2023-03.yaml: the worker bundles sized from the model shares and the capacity asked for.
#   python3 scenarios/tools/horde-2023-03.py 1.0 0.7 3 > scenarios/horde-2023-03.yaml
# Arguments: capacity multiplier (1.0: the peak hour's demand / 1.12), median worker speed (MPS/s), overhead (s).
import math, os, sys
scale = float(sys.argv[1]) if len(sys.argv) > 1 else 1.0   # capacity multiplier for tuning
top = [("Deliberate",22.2),("stable_diffusion",15.1),("Anything Diffusion",11.0),("Hentai Diffusion",4.1),
       ("Realistic Vision",3.0),("Counterfeit",2.7),("URPM",2.6),("Project Unreal Engine 5",2.5),
       ("waifu_diffusion",1.8),("Abyss OrangeMix",1.8)]
rest = 100 - sum(w for _,w in top)
tailn = 30
# a tail falling off geometrically: 30 models sharing the remaining 33.2 %
g = 0.9
raw = [g**i for i in range(tailn)]
tail = [(f"tail-model-{i+1:02d}", round(rest*r/sum(raw), 2)) for i, r in enumerate(raw)]
models = top + tail
hourly = [0.85,0.8,0.75,0.7,0.62,0.55,0.55,0.6,0.7,0.8,0.9,1.0,1.05,1.1,1.15,1.2,1.25,1.3,1.35,1.4,1.4,1.3,1.15,1.0]
images_day = 356378
req_day = images_day/1.6
mean_mps = 10.4
demand = images_day*mean_mps/86400   # MPS/s, mean
peak = demand*max(hourly)/(sum(hourly)/24)
# bundles: (name, models, share of demand they must carry)
share = dict(models)
bundles = [
  ("deliberate", ["Deliberate","Realistic Vision","URPM"], ["Deliberate"]),
  ("classic", ["stable_diffusion","Realistic Vision","URPM","Project Unreal Engine 5","Deliberate"], ["stable_diffusion","Realistic Vision","URPM","Project Unreal Engine 5"]),
  ("anime", ["Anything Diffusion","Hentai Diffusion","Counterfeit","waifu_diffusion","Abyss OrangeMix"], ["Anything Diffusion","Hentai Diffusion","Counterfeit","waifu_diffusion","Abyss OrangeMix"]),
]
tail_groups = [[m for m,_ in tail[i::6]] for i in range(6)]
speed_median = float(sys.argv[2]) if len(sys.argv) > 2 else 1.5; sigma = 0.3; overhead = float(sys.argv[3]) if len(sys.argv) > 3 else 2.0
per_worker = mean_mps/(mean_mps*math.exp(sigma**2/2)*math.exp(0.1**2/2)/speed_median + overhead)
target_capacity = peak/1.12*scale
lines = []
def grp(name, ms, carry_share, threads=1, extra=None, count=None):
    cap_needed = target_capacity*carry_share/100
    c = count if count is not None else max(1, round(cap_needed/(per_worker*threads)))
    s = f"  - name: {name}\n    count: {c}\n    models: [{', '.join(ms)}]\n    max_pixels: 1048576\n    threads: {threads}\n    slots: {threads+1}\n    speed: {{ dist: lognormal, median: {speed_median}, sigma: {sigma} }}\n    overhead: {overhead:g}s\n"
    if extra: s += extra
    lines.append(s); return c*threads*per_worker
total = 0
flaky = "    failures:\n      # A tenth of the group's workers accept 4 % of their jobs and never return them (forgotten after 5 s, so\n      # they keep polling): below the 20 aborts an hour that would put them in maintenance (docs/model.md §4.6).\n      - { mode: hang, probability: 0.04, hold: 5s, share: 0.1 }\n"
total += grp("deliberate", bundles[0][1], share["Deliberate"], extra=flaky)
total += grp("classic", bundles[1][1], sum(share[m] for m in bundles[1][2]), extra=flaky)
total += grp("anime", bundles[2][1], sum(share[m] for m in bundles[2][2]), threads=2, extra=flaky)
for i, tg in enumerate(tail_groups):
    total += grp(f"tail-{i+1}", tg + ["stable_diffusion"], sum(share[m] for m in tg))
blackhole = "    failures:\n      # The incident's black hole: accepts every job of the largest size and never returns it (forgotten after\n      # 5 s); rare enough jobs that it stays out of maintenance most hours.\n      - { mode: hang, probability: 1, hold: 5s, when: { width: 768, height: 768 } }\n"
total += grp("blackhole", ["Deliberate","stable_diffusion","Anything Diffusion","Realistic Vision"], 0, count=1, extra=blackhole)
nworkers = sum(int(l.split("count: ")[1].split("\n")[0]) for l in lines)
print(f"# demand {demand:.1f} MPS/s, peak {peak:.1f}, capacity {total:.1f}, workers {nworkers}", file=sys.stderr)
mix = []
for (w,h,sw) in [(512,512,6),(512,768,3),(768,768,1)]:
    for (st,stw) in [(30,0.8),(36,0.2)]:
        for (n,nw) in [(1,0.7),(2,0.15),(4,0.15)]:
            mix.append(f"      - {{ weight: {round(sw*stw*nw,4)}, width: {w}, height: {h}, steps: {st}, n: {n} }}")
# The policy arms are the incident scenario's, read from its file so that the two never drift apart.
incident = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "incident-2025-09-29.yaml")
with open(incident) as f:
    text = f.read()
incident_policies = text[text.index("\npolicies:\n") + 1:]
out = f"""# A busy day of the AI Horde at its March 2023 volume and model mix.
# Written by scenarios/tools/horde-2023-03.py {' '.join(sys.argv[1:])}.
#
# Provenance (public figures; dbzer0.com, "State of the AI Horde - 26/03/2023"):
# - 356,378 images a day, 3.7 terapixelsteps a day: mean 10.4 MPS per image, 42.8 MPS/s delivered on average.
# - close to 200 models; top ten shares Deliberate 22.2 %, stable_diffusion 15.1 %, Anything Diffusion 11.0 %,
#   Hentai Diffusion 4.1 %, Realistic Vision 3.0 %, Counterfeit 2.7 %, URPM 2.6 %, Project Unreal Engine 5
#   2.5 %, waifu_diffusion 1.8 %, Abyss OrangeMix 1.8 %. The other 33.2 % go here to 30 stand-in tail models
#   (tail-model-01..30, shares falling geometrically by 0.9).
# - the incident of 2025-09-29 (../docs/model.md §8): normal requests take 1-2 minutes.
# Assumptions (not published; chosen so the figures above hold):
# - 1.6 images per request (n = 1: 70 %, 2: 15 %, 4: 15 %), so {req_day:,.0f} requests a day; sizes 512x512,
#   512x768, 768x768 at weights 6/3/1 and 30 or 36 steps (80/20), k_euler_a: a mean of 10.4 MPS per image.
# - a daily profile low at 05-06 UTC (0.55) and high at 19-20 UTC (1.4); the peak hours ask for
#   {peak:.1f} MPS/s, above the fleet's {total:.1f} MPS/s (ρ about {peak/total:.2f} at the peak,
#   {demand/total:.2f} over the day).
# - kudos classes: anonymous users (35 %, kudos 0), registered users (55 %, kudos lognormal with median
#   3,000) and high-kudos users (10 %, median 200,000); kudos is the request's initial priority, and every
#   waiting request ages by +50 every 10 s (docs/model.md §1.2, §2.1).
# - {nworkers} workers, speeds lognormal (median {speed_median} MPS/s, sigma {sigma}), {overhead:g} s overhead per job, each
#   bundle of models sized to carry its models' share; a tenth of the three big bundles' workers hang on 4 % of
#   their jobs, and one black-hole worker hangs on every 768x768 job (the incident's failure modes).
# The policy arms are the incident scenario's (scenarios/incident-2025-09-29.yaml).
name: horde-2023-03
description: >
  A busy day at the March 2023 volume (356,378 images, 3.7 TPS) and model mix: queue-bound at the evening
  peak, kudos classes, workers serving subsets of the models, flaky and black-hole workers.
horizon: 24h
warmup: 1h
start_time: "2023-03-26T00:00:00Z"
seed: 1
replications: 3
sample_interval: 5m
client:
  poll_interval: 2s
  resubmit: {{ max: 1, delay: 30s }}

arrivals:
  - name: images
    rate:
      mean: {req_day/24:.0f}/h
      hourly: [{', '.join(f'{h:g}' for h in hourly)}]
    classes:
      - {{ name: anonymous, weight: 35, kudos: 0 }}
      - {{ name: registered, weight: 55, kudos: {{ dist: lognormal, median: 3000, sigma: 1.5 }} }}
      - {{ name: high-kudos, weight: 10, kudos: {{ dist: lognormal, median: 200000, sigma: 1 }} }}
    models:
""" + "\n".join(f"      - {{ name: {m}, weight: {w} }}" for m,w in models) + """
    mix:
""" + "\n".join(mix) + "\n\nworkers:\n" + "".join(lines) + """
# Under this load about 1 % of users fail in every arm (anonymous requests expire at the evening peak), so the
# default objective's bound (at most 0.1 % of users failing) would leave no arm feasible: the bound here is 2 %.
objectives:
  - name: user-latency
    minimise: user_latency_mean_s
    subject_to: { user_failure_rate: "<= 2%" }
  - name: user-tail
    minimise: user_latency_p90_s
    subject_to: { user_failure_rate: "<= 2%" }

"""
out += incident_policies
print(out)
