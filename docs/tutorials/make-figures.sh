#!/usr/bin/env bash
# Regenerates every figure of the tutorials in docs/tutorials/figures/ (committed) with the
# commands the tutorials show; only the reports' --out differs, since the tutorials write their
# reports under output/ and leave the clone unchanged. Run from the repository root after
# `npm install`. Takes under a minute on two cores (most of it the two sweeps).
set -euo pipefail
cd "$(dirname "$0")/../.."

for case in sinos-valley firm-y firm-i chinese-oem-cluster; do
  npx gvc run "scenarios/$case.yaml" --agents every:4 --force
  npx gvc report "output/$case" --out "docs/tutorials/figures/$case" --force
done

npx gvc sweep scenarios/lockin-sweep.yaml --reps 5 --force
npx gvc report output/lockin-sweep --out docs/tutorials/figures/lockin-sweep --force

npx gvc sweep scenarios/lockin-morris.yaml --force
npx gvc sensitivity output/lockin-morris
npx gvc report output/lockin-morris --out docs/tutorials/figures/lockin-morris --force
