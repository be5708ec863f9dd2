#!/bin/bash
# Queues the sweep's job array and the merge that waits for all of its tasks to succeed. Run from the clone.
set -euo pipefail
mkdir -p results/sweep-ttl/logs
array=$(sbatch --parsable deploy/slurm/sweep.sbatch)
merge=$(sbatch --parsable --dependency="afterok:${array}" deploy/slurm/merge.sbatch)
echo "sweep array ${array}, merge ${merge}: results in results/sweep-ttl/merged"
