#!/usr/bin/env bash
# Regenerates every figure of the tutorials in docs/tutorials/figures/ with the exact commands
# the tutorials show. Run from the repository root after `npm install`. Takes under a minute on
# two cores (most of it the two sweeps).
set -euo pipefail
cd "$(dirname "$0")/../.."

for case in sinos-valley firm-y firm-i chinese-oem-cluster; do
  npx gvc run "scenarios/$case.yaml" --agents every:4 --force
  npx gvc report "output/$case" --out "docs/tutorials/figures/$case" --force
done

# Relationship dynamics: the run, its report, and the tables the tutorial quotes.
npx gvc run scenarios/baseline.yaml --by-group --out output/relationship-dynamics --force
npx gvc report output/relationship-dynamics --out docs/tutorials/figures/relationship-dynamics --force
npx gvc table output/relationship-dynamics/timeseries.csv --format markdown --where step=120 \
  --columns group,n_suppliers,share_rel_market,share_rel_network,share_rel_quasi_hierarchy,share_doing_oem,share_doing_odm,share_doing_obm \
  --digits 2 > docs/tutorials/figures/relationship-dynamics/final-step.md

npx gvc sweep scenarios/lockin-sweep.yaml --reps 5 --force
npx gvc report output/lockin-sweep --out docs/tutorials/figures/lockin-sweep --force

npx gvc sweep scenarios/lockin-morris.yaml --force
npx gvc sensitivity output/lockin-morris
npx gvc report output/lockin-morris --out docs/tutorials/figures/lockin-morris --force
