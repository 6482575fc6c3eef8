#!/usr/bin/env bash
# Regenerates every figure of the tutorials in docs/tutorials/figures/ (committed) with the
# commands the tutorials show, called as `node bin/gvc.js` rather than `npx gvc` (npx adds about
# 1.5 CPU-s to every call; README, "Commands"); only the reports' --out differs, since the
# tutorials write their reports under output/ and leave the clone unchanged. Run from the
# repository root after `npm install`. Takes 1.5 to 3 minutes on two cores shared with other jobs (most of
# it the two sweeps).
set -euo pipefail
cd "$(dirname "$0")/../.."

# All runs first, then all reports: the runs write only under output/ (ignored by git), so each
# run's manifest records a clean checkout; a report written into docs/ before a later run would
# make that run's provenance say "with uncommitted changes".
for case in sinos-valley firm-y firm-i chinese-oem-cluster; do
  node bin/gvc.js run "scenarios/$case.yaml" --agents every:4 --force
done
node bin/gvc.js run scenarios/baseline.yaml --by-group --out output/relationship-dynamics --force
node bin/gvc.js sweep scenarios/lockin-sweep.yaml --reps 5 --force
node bin/gvc.js sweep scenarios/lockin-morris.yaml --force
node bin/gvc.js sensitivity output/lockin-morris

for case in sinos-valley firm-y firm-i chinese-oem-cluster; do
  node bin/gvc.js report "output/$case" --out "docs/tutorials/figures/$case" --force
done

# Relationship dynamics: the report and the table the tutorial quotes. The table is this
# script's own file in the report's folder: it goes first, since gvc report --force replaces
# only a folder of gvc's output, and is written again after the report.
rm -f docs/tutorials/figures/relationship-dynamics/final-step.md
node bin/gvc.js report output/relationship-dynamics --out docs/tutorials/figures/relationship-dynamics --force
node bin/gvc.js table output/relationship-dynamics/timeseries.csv --format markdown --where step=120 \
  --columns group,n_suppliers,share_rel_market,share_rel_network,share_rel_quasi_hierarchy,share_doing_oem,share_doing_odm,share_doing_obm \
  --digits 2 > docs/tutorials/figures/relationship-dynamics/final-step.md

node bin/gvc.js report output/lockin-sweep --out docs/tutorials/figures/lockin-sweep --force
node bin/gvc.js report output/lockin-morris --out docs/tutorials/figures/lockin-morris --force
