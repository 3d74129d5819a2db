#!/usr/bin/env bash
# make bench-compare REF=<commit>: the benchmarks of REF and of this tree, run one after the other in one sitting on
# this machine (its speed drifts from day to day, so only figures measured side by side compare). REF is checked out
# into a throwaway git worktree with a virtual environment of its own. BENCH_COMPARE_ROUNDS (default 1) repeats the
# pair, alternating which goes first; BENCH_SCRIPTS (default: every benchmark) picks benchmarks/<name>.py files.
# BENCH_COMPARE_INSTRUMENTS=here (the default) measures both trees with this tree's benchmarks/ (the same
# instruments, each tree's own services: REF's run uses REF's virtual environment and so its processes);
# =own runs each tree's own benchmarks/ (a benchmark REF lacks is then skipped for REF).
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

instruments=${BENCH_COMPARE_INSTRUMENTS:-here}

run() {  # run <tree> <label>
  for script in $scripts; do
    bench_dir="$1/benchmarks"
    if [ "$instruments" = here ]; then bench_dir="$here/benchmarks"; fi
    if [ -f "$bench_dir/$script.py" ]; then
      printf '\n===== %s: %s (instruments: %s) =====\n' "$2" "$script" "$bench_dir"
      (cd "$1" && .venv/bin/python "$bench_dir/$script.py")
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
