#!/usr/bin/env bash
# Runs `phaselab-cli train ARGS…` as N ranks of one data-parallel job on this machine, the way
# torchrun would (RANK, WORLD_SIZE, MASTER_ADDR=127.0.0.1, a free MASTER_PORT; docs/distributed.md).
# Rank 0's output goes to stdout/stderr, the others' stderr to OUT_DIR/rank-R.log.
#   scripts/train-local-ranks.sh 2 --method dgn --data set.h5 --out dgn.pt --json
# PHASELAB_CLI overrides the binary (default build/app/phaselab-cli); PHASELAB_DIST_TIMEOUT passes on.
set -euo pipefail
n=${1:?usage: train-local-ranks.sh N train-arguments…}
shift
cli=${PHASELAB_CLI:-"$(dirname "$0")/../build/app/phaselab-cli"}
port=$(python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
logdir=${OUT_DIR:-$(mktemp -d)}
# The ranks share this machine's cores: like torchrun, give each its share of intra-op threads
# unless OMP_NUM_THREADS says otherwise (two ranks each spinning on all cores run ~7× slower).
export OMP_NUM_THREADS=${OMP_NUM_THREADS:-$(( $(nproc) / n > 0 ? $(nproc) / n : 1 ))}
pids=()
for ((r = 1; r < n; r++)); do
  RANK=$r LOCAL_RANK=$r WORLD_SIZE=$n MASTER_ADDR=127.0.0.1 MASTER_PORT=$port \
    "$cli" train "$@" > /dev/null 2> "$logdir/rank-$r.log" &
  pids+=($!)
done
status=0
RANK=0 LOCAL_RANK=0 WORLD_SIZE=$n MASTER_ADDR=127.0.0.1 MASTER_PORT=$port "$cli" train "$@" || status=$?
for pid in "${pids[@]}"; do
  wait "$pid" || { s=$?; ((status == 0)) && status=$s; }
done
if ((status != 0)); then
  echo "train-local-ranks: a rank failed (exit $status); logs of ranks 1…: $logdir" >&2
fi
exit "$status"
