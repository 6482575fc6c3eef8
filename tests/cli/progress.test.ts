/**
 * Progress and its ETA as pure functions of an injected clock: no test here waits or measures
 * real time.
 */
import { describe, expect, it } from 'vitest';
import { EtaEstimator, formatDuration, Progress } from '../../src/cli/progress.js';

/** A stream that records what is written, as a terminal or not. */
function fakeStream(isTTY: boolean) {
  const written: string[] = [];
  return { isTTY, written, write: (text: string) => written.push(text) };
}

describe('EtaEstimator', () => {
  it('ignores the start-up before the first completion (a 20 s sweep does not read 4 min)', () => {
    // 100 runs on 2 workers: 8 s of start-up, then one run every 0.2 s.
    const e = new EtaEstimator(100);
    let t = 8000;
    for (let done = 1; done <= 10; done++, t += 200) e.observe(t, done);
    const last = t - 200;
    expect(e.rate()).toBeCloseTo(5, 6);
    expect(e.etaSeconds(10)).toBeCloseTo(90 / 5, 6);
    // done / elapsed would have said 10 runs in 9.8 s, an ETA of about 88 s.
    expect((100 - 10) / (10 / (last / 1000))).toBeGreaterThan(80);
  });

  it('counts only runs done in this process after --resume', () => {
    // 150 of 200 runs were done before the interruption; this process does 1 run a second.
    const e = new EtaEstimator(200, 150);
    e.observe(0, 150); // the resumed count itself is not a completion
    expect(e.rate()).toBeNull();
    for (let k = 1; k <= 5; k++) e.observe(3000 + k * 1000, 150 + k);
    expect(e.rate()).toBeCloseTo(1, 6);
    expect(e.etaSeconds(155)).toBeCloseTo(45, 6);
  });

  it('gives no estimate until two runs have completed after the first', () => {
    const e = new EtaEstimator(10);
    expect(e.etaSeconds(0)).toBeNull();
    e.observe(5000, 1);
    expect(e.etaSeconds(1)).toBeNull();
    e.observe(6000, 2);
    expect(e.etaSeconds(2)).toBeNull();
    e.observe(7000, 3);
    expect(e.etaSeconds(3)).toBeCloseTo(7, 6);
  });

  it("anchors after the workers' compile-slowed first runs (warmup)", () => {
    // 100 runs on 2 workers; each worker's first two runs take 2 s and 1 s, later runs 0.4 s
    // (the shape of V8's compilation in a fresh worker thread), so the steady pace is 5 runs/s.
    const finishes: number[] = [];
    for (let w = 0; w < 2; w++) {
      let t = 1000 + w * 50;
      for (const d of [2000, 1000, ...Array<number>(48).fill(400)]) finishes.push((t += d));
    }
    finishes.sort((a, b) => a - b);
    const cold = new EtaEstimator(100);
    const warm = new EtaEstimator(100, 0, 20_000, 4);
    let done = 0;
    for (const t of finishes.slice(0, 8)) {
      done++;
      cold.observe(t, done);
      warm.observe(t, done);
    }
    // Anchored at the first run, the rate mixes in the slow second runs: 7 runs in 1.85 s.
    expect(cold.rate()).toBeCloseTo(7 / 1.85, 6);
    expect(warm.rate()).toBeCloseTo(5, 6);
    expect(warm.etaSeconds(8)).toBeCloseTo(92 / 5, 6);
  });

  it('needs two completions after the warmup anchor, and caps the warmup at half the work left', () => {
    const e = new EtaEstimator(100, 0, 20_000, 4);
    for (let done = 1; done <= 5; done++) e.observe(done * 1000, done);
    expect(e.rate()).toBeNull();
    e.observe(6000, 6);
    expect(e.rate()).toBeCloseTo(1, 6);
    // 10 runs left on 64 workers: the anchor is the 5th run of this process, not the 128th.
    const short = new EtaEstimator(30, 20, 20_000, 128);
    for (let done = 21; done <= 27; done++) short.observe(done * 1000, done);
    expect(short.rate()).toBeCloseTo(1, 6);
  });

  it('follows a change of pace within its window', () => {
    // Validation: quick experiments first (10 runs/s), then slow ones (1 run/s).
    const e = new EtaEstimator(1000, 0, 20_000);
    let t = 0;
    let done = 0;
    for (let k = 0; k < 200; k++) e.observe((t += 100), ++done);
    for (let k = 0; k < 60; k++) e.observe((t += 1000), ++done);
    expect(e.rate()).toBeGreaterThan(0.9);
    expect(e.rate()).toBeLessThan(1.2);
  });
});

describe('Progress', () => {
  it('on a terminal: silent for short work, then steps, rate and ETA; cleared at the end', () => {
    let now = 0;
    const stream = fakeStream(true);
    const p = new Progress(120, 'run big', false, { unit: 'steps', stream, clock: () => now });
    for (let step = 1; step <= 3; step++) {
      now += 200;
      p.tick();
    }
    expect(stream.written).toEqual([]); // 0.6 s: nothing drawn
    for (let step = 4; step <= 20; step++) {
      now += 200;
      p.tick();
    }
    const last = stream.written.at(-1) ?? '';
    expect(last).toContain('run big [');
    expect(last).toContain('20/120 steps  5.0 steps/s  ETA 20s');
    p.clear();
    expect(stream.written.at(-1)).toBe('\r\x1b[2K');
  });

  it('off a terminal: a log line every few seconds, none for a single run, none with --quiet', () => {
    let now = 0;
    const log = fakeStream(false);
    const runLog = fakeStream(false);
    const quiet = fakeStream(true);
    const sweep = new Progress(100, 'sweep s', false, { stream: log, clock: () => now });
    const run = new Progress(100, 'run r', false, {
      stream: runLog,
      clock: () => now,
      logWhenNotTty: false,
    });
    const silent = new Progress(100, 'sweep q', true, { stream: quiet, clock: () => now });
    for (let k = 1; k <= 30; k++) {
      now += 500;
      for (const p of [sweep, run, silent]) p.tick();
    }
    expect(log.written).toEqual([
      'sweep s: 10/100 runs  2.0 runs/s  ETA 45s\n',
      'sweep s: 20/100 runs  2.0 runs/s  ETA 40s\n',
      'sweep s: 30/100 runs  2.0 runs/s  ETA 35s\n',
    ]);
    expect(runLog.written).toEqual([]);
    silent.finish('done');
    expect(quiet.written).toEqual([]);
  });

  it('starts a resumed sweep at its earlier count, without an ETA from it', () => {
    let now = 0;
    const stream = fakeStream(false);
    const p = new Progress(200, 'sweep s', false, {
      stream,
      clock: () => now,
      alreadyDone: 150,
      logEveryMs: 1000,
    });
    now = 1000;
    p.tick();
    expect(stream.written).toEqual(['sweep s: 151/200 runs  -- runs/s  ETA --\n']);
  });

  it('formats durations', () => {
    expect([5, 65, 3725, NaN].map(formatDuration)).toEqual(['5s', '1m05s', '1h02m', '--']);
  });
});
