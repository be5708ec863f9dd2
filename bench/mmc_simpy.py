#!/usr/bin/env python3
"""The M/M/c queue of bench/engine-queues.ts in SimPy (Debian's python3-simpy3), as a peer.

    python3 bench/mmc_simpy.py LAMBDA MU SERVERS CUSTOMERS SEED

Prints one line of JSON: customers, mean wait in queue (Erlang C for a check), wall seconds and customers
per second. The idiomatic SimPy model: a Resource with c slots, one process per customer.
"""
import json
import random
import sys
import time

import simpy


def main() -> None:
    lam, mu, servers, customers, seed = (
        float(sys.argv[1]),
        float(sys.argv[2]),
        int(sys.argv[3]),
        int(sys.argv[4]),
        int(sys.argv[5]),
    )
    rng_arrivals = random.Random(seed)
    rng_service = random.Random(seed + 1)
    env = simpy.Environment()
    server = simpy.Resource(env, capacity=servers)
    waits = [0.0]

    def customer(env, arrived):
        with server.request() as req:
            yield req
            waits[0] += env.now - arrived
            yield env.timeout(rng_service.expovariate(mu))

    def source(env):
        for _ in range(customers):
            env.process(customer(env, env.now))
            yield env.timeout(rng_arrivals.expovariate(lam))

    env.process(source(env))
    t0 = time.perf_counter()
    env.run()
    wall = time.perf_counter() - t0
    print(
        json.dumps(
            {
                "simpy": simpy.__version__,
                "python": sys.version.split()[0],
                "customers": customers,
                "mean_wait": waits[0] / customers,
                "wall_s": wall,
                "customers_per_s": customers / wall,
            }
        )
    )


if __name__ == "__main__":
    main()
