/**
 * gvc report on real outputs of gvc run, gvc sweep and gvc sensitivity (tiny scenarios), so
 * the report keeps reading the columns the simulator actually writes.
 */
import { spawnSync } from 'node:child_process';
import { readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, it, vi } from 'vitest';
import { buildReport } from '../../src/report/report.js';
import { cleanupTemp, tempDir } from '../io/helpers.js';

// Rendering loads vega and several tests start the CLI: on a busy 2-core machine they need more than the default 5 s.
vi.setConfig({ testTimeout: 60_000 });

const BIN = join(import.meta.dirname, '..', '..', 'bin', 'gvc.js');
const tmp = tempDir('gvc-report-e2e-');
afterAll(cleanupTemp);
const gvc = (...args: string[]) => {
  const r = spawnSync(process.execPath, [BIN, ...args], { cwd: tmp, encoding: 'utf8' });
  expect(r.stderr).toBe('');
  expect(r.status).toBe(0);
};

writeFileSync(
  join(tmp, 's.yaml'),
  `
name: tiny
time: { steps: 12 }
suppliers:
  smes: { count: 25, intent: { network_ties: 1 } }
buyers:
  lead: { count: 3, governance: quasi_hierarchy, suppliers_target: 10 }
partners:
  peers: { kind: peer_supplier, count: 5 }
sweep:
  design: grid
  replications: 2
  seed: 42
  parameters:
    buyers.lead.governance: [market, quasi_hierarchy]
    suppliers.smes.intent.network_ties: [0, 3]
`,
);

// The same world without a sweep section, for a sweep given on the command line.
writeFileSync(
  join(tmp, 'plain.yaml'),
  readFileSync(join(tmp, 's.yaml'), 'utf8').replace(/sweep:[\s\S]*$/, ''),
);

function svgCount(dir: string): number {
  const html = readFileSync(join(dir, 'report', 'report.html'), 'utf8');
  const svgs = readdirSync(join(dir, 'report')).filter((f) => f.endsWith('.svg'));
  expect(html.split('<svg').length - 1).toBe(svgs.length);
  return svgs.length;
}

describe('reports on real outputs', () => {
  it('run', async () => {
    gvc('run', 's.yaml', '--out', 'run', '--quiet');
    const r = await buildReport(join(tmp, 'run'), { programVersion: 'test' });
    expect(r.warnings).toEqual([]);
    // 5 run figures and 4 relationship figures (retention, spell survival, markups, end causes).
    expect(svgCount(join(tmp, 'run'))).toBe(9);
    expect(readFileSync(join(tmp, 'run', 'report', 'report.html'), 'utf8')).toContain(
      '<dt>scenario</dt><dd>tiny</dd>',
    );
  });

  it('grid sweep', async () => {
    gvc('sweep', 's.yaml', '--workers', '1', '--out', 'sweep', '--quiet');
    const r = await buildReport(join(tmp, 'sweep'), { programVersion: 'test' });
    expect(r.kind).toBe('sweep');
    expect(r.warnings).toEqual([]);
    expect(r.figures.map((f) => f.id)).toEqual([
      'sweep-buyers-lead-governance',
      'sweep-suppliers-smes-intent-network-ties',
      'heatmap-lockin-rate',
    ]);
    expect(svgCount(join(tmp, 'sweep'))).toBe(3);
  });

  it('sobol sweep with second_order: the report tables S2 for each pair (issue 12, kind 10)', async () => {
    writeFileSync(
      join(tmp, 's2.yaml'),
      `${readFileSync(join(tmp, 'plain.yaml'), 'utf8').replace('name: tiny', 'name: s2')}
sweep:
  design: sobol
  samples: 4
  replications: 2
  second_order: true
  seed: 7
  parameters:
    environment.ipr_protection: { min: 0.1, max: 0.9 }
    suppliers.smes.intent.network_ties: { min: 0, max: 3 }
`,
    );
    gvc('sweep', 's2.yaml', '--workers', '1', '--out', 's2', '--quiet');
    gvc('sensitivity', 's2', '--quiet', '--metric', 'mean_process');
    const r = await buildReport(join(tmp, 's2'), {
      programVersion: 'test',
      metrics: ['mean_process'],
    });
    expect(r.kind).toBe('sensitivity');
    const s2 = readFileSync(join(tmp, 's2', 'sensitivity.csv'), 'utf8')
      .split('\n')
      .filter((l) => l.includes(',S2,'));
    expect(s2).toHaveLength(1);
    const [metric, , factor, factor2, , value] = s2[0].split(',');
    const html = readFileSync(join(tmp, 's2', 'report', 'report.html'), 'utf8');
    expect(html).toContain('Second-order Sobol indices');
    // The table row holds the pair and the estimate as sensitivity.csv has them.
    const row = html.split('<tr>').find((x) => x.includes(`<td>${factor2}</td>`))!;
    expect(row).toContain(`<td>${metric}</td><td>${factor}</td>`);
    const shown = Number(/<td class="num">([^<]+)<\/td>/.exec(row)![1]);
    expect(Math.abs(shown - Number(value))).toBeLessThanOrEqual(5e-3 * Math.abs(Number(value)));
  });

  it('morris sweep with sensitivity indices', async () => {
    gvc(
      'sweep',
      'plain.yaml',
      '--workers',
      '1',
      '--design',
      'morris',
      '--samples',
      '3',
      '--reps',
      '1',
      '--out',
      'morris',
      '--quiet',
      '--vary',
      'environment.ipr_protection={min: 0.1, max: 0.9}',
      '--vary',
      'environment.institutions={min: 0.1, max: 0.9}',
    );
    gvc('sensitivity', 'morris', '--quiet');
    const r = await buildReport(join(tmp, 'morris'), {
      programVersion: 'test',
      metrics: ['mean_process', 'mean_design'],
    });
    expect(r.kind).toBe('sensitivity');
    expect(r.warnings).toEqual([]);
    expect(r.figures.map((f) => f.id)).toEqual([
      'sensitivity-mean-process',
      'sensitivity-mean-design',
      'sweep-environment-ipr-protection',
      'sweep-environment-institutions',
      'heatmap-lockin-rate',
    ]);
  });
});
