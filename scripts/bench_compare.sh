#!/usr/bin/env bash
# make bench-compare REF=<commit>: the benchmarks of REF and of this tree, run one after the other in one sitting on
# this machine (its speed drifts from day to day, so only figures measured side by side compare). REF is checked out
# into a throwaway git worktree with a virtual environment of its own. BENCH_COMPARE_ROUNDS (default 1) repeats the
# pair, alternating which goes first; BENCH_SCRIPTS (default: every benchmark) picks benchmarks/<name>.py files.
set -euo pipefail
ref=${1:?usage: bench_compare.sh REF}
here=$(cd "$(dirname "$0")/.." && pwd)
rounds=${BENCH_COMPARE_ROUNDS:-1}
default_scripts=$(cd "$here/benchmarks" && ls bench_*.py | sed 's/\.py$//' | tr '\n' ' ')
scripts=${BENCH_SCRIPTS:-$default_scripts}
sha=$(git -C "$here" rev-parse --short "$ref")
other=$(mktemp -d)/hearth-$sha
git -C "$here" worktree add --quiet --detach "$other" "$ref"
trap 'git -C "$here" worktree remove --force "$other"' EXIT
make -C "$other" venv >"$other.venv.log" 2>&1 || { cat "$other.venv.log"; exit 1; }

run() {  # run <tree> <label>
  for script in $scripts; do
    if [ -f "$1/benchmarks/$script.py" ]; then
      printf '\n===== %s: %s =====\n' "$2" "$script"
      (cd "$1" && .venv/bin/python "benchmarks/$script.py")
    fi
  done
}

for round in $(seq 1 "$rounds"); do
  if [ $((round % 2)) -eq 1 ]; then
    run "$other" "REF $sha (round $round)"; run "$here" "this tree (round $round)"
  else
    run "$here" "this tree (round $round)"; run "$other" "REF $sha (round $round)"
  fi
done
