/**
 * Resource bounds are checked before work starts (issue 11, kind 4): the run count comes from
 * the spec without building the design, and agrees with the plan; plans and runs beyond the
 * limits are refused with the numbers and the flag that raises them.
 */
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  checkRunCount,
  designCells,
  recordedSteps,
  relationshipRowsEstimate,
} from '../../src/experiment/limits.js';
import { SUPPLIER_COLUMNS, TIMESERIES_COLUMNS } from '../../src/engine/observations.js';
import { buildPlan } from '../../src/experiment/plan.js';
import { DESIGNS, parseSweepSpec } from '../../src/experiment/sweep-spec.js';
import { parseScenarioText } from '../../src/scenario/load.js';
import { cliInTempDir, ROOT } from '../cli/spawn.js';

const { tmp, gvc } = cliInTempDir('gvc-limits-');

const WORLD = `
time: { steps: 4 }
suppliers:
  smes: { count: 5 }
buyers:
  lead: { count: 1 }
`;
const base = parseScenarioText(WORLD, 'w.yaml').scenario;
const PATHS = [
  'environment.ipr_protection',
  'environment.institutions',
  'model.prices.unit_cost',
] as const;

describe('the run count of a plan, from the spec alone', () => {
  it('equals the cells of the built plan for every design', () => {
    fc.assert(
      fc.property(
        fc.constantFrom(...DESIGNS),
        fc.integer({ min: 1, max: 3 }),
        fc.integer({ min: 1, max: 6 }),
        fc.integer({ min: 2, max: 4 }),
        (design, k, samples, steps) => {
          const bounded = design === 'lhs' || design === 'sobol' || design === 'morris';
          const parameters = Object.fromEntries(
            PATHS.slice(0, k).map((p) => [
              p,
              // ofat: distinct values none of which is the baseline, so the bound is exact.
              bounded ? { min: 0.61, max: 0.89 } : { min: 0.61, max: 0.89, steps },
            ]),
          );
          // Grid and ofat take no samples (their cells are the listed levels).
          const raw = bounded ? { design, samples, parameters } : { design, parameters };
          const spec = parseSweepSpec(raw, 'w.yaml', base);
          expect(designCells(spec)).toBe(buildPlan(base, spec).cells.length);
        },
      ),
      { numRuns: 60 },
    );
  });

  it('counts recorded steps with step 0 and the last step', () => {
    expect(recordedSteps({ kind: 'every', k: 4 }, 10)).toBe(4); // 0, 4, 8, 10
    expect(recordedSteps({ kind: 'every', k: 5 }, 10)).toBe(3); // 0, 5, 10
    expect(recordedSteps({ kind: 'final' }, 10)).toBe(1);
    expect(recordedSteps({ kind: 'none' }, 10)).toBe(0);
  });
});

describe('plans beyond the limits are refused before any work (exit 2, nothing written)', () => {
  const write = (name: string, sweep: string) => writeFileSync(join(tmp, name), WORLD + sweep);

  it('a grid of steps: 100000 on two parameters (the issue example), at once', () => {
    write(
      'huge.yaml',
      'sweep:\n  parameters:\n    environment.ipr_protection: { min: 0, max: 1, steps: 100000 }\n    environment.institutions: { min: 0, max: 1, steps: 100000 }\n',
    );
    const r = gvc('sweep', 'huge.yaml', '--out', 'huge');
    expect(r.code).toBe(2);
    expect(r.stderr).toBe(
      'gvc: sweep: 10,000,000,000 runs (grid design of 10,000,000,000 cells × 1 replication) is above the limit of 1,000,000 runs; if you mean it, raise the limit with --max-runs 10000000000\n',
    );
    expect(existsSync(join(tmp, 'huge'))).toBe(false);
    expect(existsSync(join(tmp, 'huge.partial'))).toBe(false);
  });

  it('a factor with a billion levels is refused before its levels are built', () => {
    write(
      'levels.yaml',
      'sweep:\n  parameters:\n    environment.ipr_protection: { min: 0, max: 1, steps: 1000000000 }\n',
    );
    const r = gvc('sweep', 'levels.yaml', '--out', 'levels');
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(
      /levels\.yaml: sweep\.parameters\.environment\.ipr_protection\.steps: 1,000,000,000 runs .* --max-runs 1000000000/,
    );
  });

  it('the output size, and the limits are raised explicitly', () => {
    write(
      'small.yaml',
      'sweep:\n  replications: 2\n  parameters:\n    environment.ipr_protection: [0.2, 0.8]\n',
    );
    // 4 runs x 5 timeseries rows each (every:1 over 4 steps) and runs.csv and summary.csv.
    const refused = gvc('sweep', 'small.yaml', '--timeseries', 'every:1', '--max-output', '100');
    expect(refused.code).toBe(2);
    expect(refused.stderr).toMatch(
      /^gvc: sweep: the outputs would hold about [\d,]+ cells \(runs\.csv 4 rows × \d+ columns, timeseries\.csv 20 rows × \d+ columns, summary\.csv \d+ rows × \d+ columns\), above the limit of 100; if you mean it, raise the limit with --max-output \d+\n$/,
    );
    const runs = gvc('sweep', 'small.yaml', '--max-runs', '3', '--out', 'small');
    expect(runs.code).toBe(2);
    expect(runs.stderr).toMatch(/4 runs \(grid design of 2 cells × 2 replications\)/);
    const raised = gvc('sweep', 'small.yaml', '--max-runs', '4', '--out', 'small', '--quiet');
    expect(raised.code).toBe(0);
  });

  it('gvc run: suppliers × recorded steps', () => {
    writeFileSync(join(tmp, 'run.yaml'), WORLD);
    const r = gvc('run', 'run.yaml', '--agents', 'every:1', '--max-output', '50', '--out', 'r');
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(
      /^gvc: run: the outputs would hold about [\d,]+ cells \(timeseries\.csv 5 rows × \d+ columns, suppliers\.csv 25 rows × \d+ columns, relationships\.csv up to 55 rows × 13 columns \(an estimate from above: the starting ties, and every tie the buyers keep renewed once a step; runs usually write a tenth of it\)\), above the limit of 50/,
    );
    expect(existsSync(join(tmp, 'r'))).toBe(false);
    expect(gvc('run', 'run.yaml', '--max-output', '0').stderr).toMatch(
      /--max-output: expected a whole number >= 1, found "0"/,
    );
  });

  /** Runs `file` into `out` (it must succeed) and counts the rows of its relationships.csv. */
  const spellsWritten = (file: string, out: string) => {
    const done = gvc('run', file, '--out', out, '--quiet');
    expect(done.code, done.stderr).toBe(0);
    return (
      readFileSync(join(tmp, out, 'relationships.csv'), 'utf8')
        .trim()
        .split('\n').length - 1
    );
  };

  it('counts the starting ties, made whatever the buyers keep (a target of 1, 200 suppliers)', () => {
    const text =
      'time: { steps: 2 }\nsuppliers:\n  smes: { count: 200, initial_buyers: 1 }\n' +
      'buyers:\n  lead: { count: 1, suppliers_target: 1 }\n';
    writeFileSync(join(tmp, 'start.yaml'), text);
    const estimate = relationshipRowsEstimate(parseScenarioText(text, 'start.yaml').scenario);
    expect(estimate).toBe(200 + 3);
    const rows = spellsWritten('start.yaml', 'start');
    // Without the starting ties the estimate was 3 rows.
    expect(rows).toBeGreaterThan(3);
    expect(rows).toBeLessThanOrEqual(estimate);
  });

  it("gvc run: relationships.csv is counted (the buyers' ties × steps + 1), and a run writes no more", () => {
    writeFileSync(join(tmp, 'rel.yaml'), WORLD.replace('steps: 4', 'steps: 40'));
    const estimate = relationshipRowsEstimate(
      parseScenarioText(WORLD.replace('steps: 4', 'steps: 40'), 'rel.yaml').scenario,
    );
    // 5 starting ties (1 a supplier, the default), then 1 buyer keeping 10 suppliers (the
    // default target) over 41 steps.
    expect(estimate).toBe(415);
    const rows = spellsWritten('rel.yaml', 'rel');
    expect(rows).toBeGreaterThan(0);
    expect(rows).toBeLessThanOrEqual(estimate);
    // A limit the timeseries and suppliers fit but relationships.csv's estimate does not.
    const small = 41 * TIMESERIES_COLUMNS.length + 5 * SUPPLIER_COLUMNS.length + 10;
    const refused = gvc('run', 'rel.yaml', '--out', 'rel2', '--max-output', String(small));
    expect(refused.code).toBe(2);
    expect(refused.stderr).toMatch(/relationships\.csv up to 415 rows × 13 columns/);
    // Without relationships.csv it is not counted.
    const without = gvc(
      'run',
      'rel.yaml',
      '--out',
      'rel3',
      '--max-output',
      String(small),
      '--relationships',
      'none',
      '--quiet',
    );
    expect(without.code, without.stderr).toBe(0);
  });

  it("gvc sweep: relationships.csv is estimated from each cell's buyers, not the base scenario's", () => {
    const text = `${WORLD}sweep:\n  replications: 2\n  parameters:\n    buyers.lead.count: [1, 20]\n`;
    writeFileSync(join(tmp, 'rel-sweep.yaml'), text);
    // Each cell's world, as its own scenario file would give it.
    const cell = (count: number) =>
      relationshipRowsEstimate(
        parseScenarioText(
          WORLD.replace('lead: { count: 1 }', `lead: { count: ${count} }`),
          'c.yaml',
        ).scenario,
      );
    expect([cell(1), cell(20)]).toEqual([55, 1005]);
    const refused = gvc(
      'sweep',
      'rel-sweep.yaml',
      '--out',
      'rel-sweep',
      '--relationships',
      '--max-output',
      '1000',
    );
    expect(refused.code).toBe(2);
    // 2 replications of each cell: 2 × (55 + 1,005); the base scenario's buyers gave 4 × 55.
    expect(refused.stderr).toMatch(/relationships\.csv up to 2,120 rows × 13 columns/);
    expect(existsSync(join(tmp, 'rel-sweep.partial'))).toBe(false);
  });

  it('gvc validate: the runs of all experiments', () => {
    const r = gvc(
      'validate',
      join(ROOT, 'scenarios', 'validation'),
      '--max-runs',
      '10',
      '--out',
      'v',
    );
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(
      /^gvc: validate: [\d,]+ runs \(\d+ experiments\) is above the limit of 10 runs/,
    );
    expect(existsSync(join(tmp, 'v'))).toBe(false);
  });

  it('gvc validate of one file: "1 experiment"', () => {
    const file = join(ROOT, 'scenarios', 'validation', 'p4-networks-moderate-governance.yaml');
    const r = gvc('validate', file, '--max-runs', '1', '--out', 'v1');
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(
      /^gvc: validate: [\d,]+ runs \(1 experiment\) is above the limit of 1 run;/,
    );
  });
});

describe('the run limit in words', () => {
  it('says "1 run", not "1 runs", for --max-runs 1', () => {
    const refuse = (maxRuns: number) => () =>
      checkRunCount('sweep', 7, 'grid design of 7 cells × 1 replication', {
        maxRuns,
        maxOutput: 1e9,
      });
    expect(refuse(1)).toThrow(
      /is above the limit of 1 run; if you mean it, raise the limit with --max-runs 7$/,
    );
    expect(refuse(2)).toThrow(/is above the limit of 2 runs;/);
  });
});
