/**
 * Progress on stderr: a redrawn bar with the units done (runs or steps), rate and ETA on a
 * terminal, shown once the work has taken about a second; a plain log line every few seconds
 * otherwise (CI logs, nohup, SLURM), so it never floods a file. `--quiet` silences both.
 */

/** Milliseconds since some fixed origin; injected so that tests need no real time. */
export type Clock = () => number;

/**
 * Rate and time-to-completion from the work done in this process, by a sliding window.
 *
 * Why not done / elapsed: work that finished before this process started (a `--resume`d
 * sweep) would count as if done at infinite speed, and the start-up before the first unit
 * completes (spawning workers, loading modules, building the world) would count as if it were
 * the steady pace, which made the first ETA of a 20 s sweep read 4 minutes. So the rate is
 * measured from the first unit completed in this process, over the last `windowMs` of
 * completions (the pace changes, e.g. when a validation moves to an experiment with longer
 * runs), and there is no estimate until two units have completed after that first one (or
 * after the `warmup`-th, see the constructor).
 */
export class EtaEstimator {
  /** (time, units done) at completions in this process, oldest first; [0] is the rate's anchor. */
  private readonly samples: { t: number; done: number }[] = [];
  /** Units completed in this process up to and including the rate's anchor. */
  private readonly anchorAfter: number;

  /**
   * @param total units of the whole job (including any done before this process).
   * @param alreadyDone units done before this process started (they do not count in the rate).
   * @param windowMs length of the sliding window over which the rate is measured.
   * @param warmup units completed in this process before the rate's anchor (at least 1): the
   *   first runs of each worker thread are slow while V8 compiles the model (CPU time of
   *   successive 200-supplier runs in one thread: about 940, 510, 220, then 150 ms), so a
   *   sweep on k workers anchors at its 2k-th run and its first ETA does not read 3 times the
   *   time the sweep then takes. At most half the units left, so a short job on many
   *   workers still gets an estimate in its second half.
   */
  constructor(
    private readonly total: number,
    private readonly alreadyDone = 0,
    private readonly windowMs = 20_000,
    warmup = 1,
  ) {
    this.anchorAfter = Math.max(1, Math.min(warmup, Math.floor((total - alreadyDone) / 2)));
  }

  /** Records that `done` units (including alreadyDone) are finished at time `t` (ms). */
  observe(t: number, done: number): void {
    if (done < this.alreadyDone + this.anchorAfter) return;
    this.samples.push({ t, done });
    // Keep one sample at or before the window's start as its anchor.
    while (this.samples.length > 3 && this.samples[1].t <= t - this.windowMs) this.samples.shift();
  }

  /** Units per second over the window, or null before there is a rate to speak of. */
  rate(): number | null {
    if (this.samples.length < 2) return null;
    const a = this.samples[0];
    const b = this.samples[this.samples.length - 1];
    if (b.done - a.done < 2 || b.t <= a.t) return null;
    return ((b.done - a.done) * 1000) / (b.t - a.t);
  }

  /** Seconds to completion at the current rate (from the last completion), or null. */
  etaSeconds(done: number): number | null {
    const r = this.rate();
    if (r === null || r <= 0) return null;
    return Math.max(0, this.total - done) / r;
  }
}

export interface ProgressOptions {
  /** What is counted: 'runs' (sweeps, validation) or 'steps' (a single run). */
  unit?: string;
  stream?: NodeJS.WriteStream | { isTTY?: boolean; write(text: string): unknown };
  /** Non-TTY: at most one log line per this many ms. */
  logEveryMs?: number;
  /**
   * Non-TTY: whether to log at all (default true). A single run logs only to a terminal: its
   * stderr stays empty in scripts, where a line every few seconds would add nothing.
   */
  logWhenNotTty?: boolean;
  /** TTY: draw nothing until the work has taken this long, so short commands stay silent. */
  showAfterMs?: number;
  /** Units done before this process started (a resumed sweep). */
  alreadyDone?: number;
  /** Units done in this process before the rate is measured (see EtaEstimator); default 1. */
  warmup?: number;
  clock?: Clock;
}

export class Progress {
  private done: number;
  private readonly started: number;
  private lastDraw: number;
  private drawn = false;
  private readonly tty: boolean;
  private readonly unit: string;
  private readonly stream: NonNullable<ProgressOptions['stream']>;
  private readonly logEveryMs: number;
  private readonly logWhenNotTty: boolean;
  private readonly showAfterMs: number;
  private readonly clock: Clock;
  private readonly eta: EtaEstimator;

  constructor(
    private readonly total: number,
    private readonly label: string,
    private readonly quiet = false,
    options: ProgressOptions = {},
  ) {
    this.unit = options.unit ?? 'runs';
    this.stream = options.stream ?? process.stderr;
    this.logEveryMs = options.logEveryMs ?? 5000;
    this.logWhenNotTty = options.logWhenNotTty ?? true;
    this.showAfterMs = options.showAfterMs ?? 1000;
    this.clock = options.clock ?? Date.now;
    this.done = options.alreadyDone ?? 0;
    this.started = this.clock();
    this.lastDraw = this.started;
    this.tty = Boolean(this.stream.isTTY);
    this.eta = new EtaEstimator(total, this.done, undefined, options.warmup);
  }

  tick(n = 1): void {
    this.done += n;
    const now = this.clock();
    this.eta.observe(now, this.done);
    if (this.quiet) return;
    const due = this.tty
      ? now - this.started >= this.showAfterMs &&
        (now - this.lastDraw >= 100 || this.done === this.total)
      : this.logWhenNotTty && now - this.lastDraw >= this.logEveryMs;
    if (due) {
      this.lastDraw = now;
      this.draw();
    }
  }

  finish(message: string): void {
    if (this.quiet) return;
    this.clear();
    this.stream.write(`${message}\n`);
  }

  /** Removes the bar from the terminal (when one was drawn), e.g. before a summary on stdout. */
  clear(): void {
    if (this.tty && this.drawn) this.stream.write('\r\x1b[2K');
    this.drawn = false;
  }

  /** The status text: units done of total, rate and ETA. */
  status(): string {
    const rate = this.eta.rate();
    const eta = this.eta.etaSeconds(this.done);
    const rateText = rate === null ? '--' : formatRate(rate);
    return `${this.done}/${this.total} ${this.unit}  ${rateText} ${this.unit}/s  ETA ${formatDuration(eta ?? NaN)}`;
  }

  private draw(): void {
    this.drawn = true;
    const stats = this.status();
    if (this.tty) {
      const width = 30;
      const filled = this.total > 0 ? Math.round((width * this.done) / this.total) : width;
      this.stream.write(
        `\r\x1b[2K${this.label} [${'#'.repeat(filled)}${'-'.repeat(width - filled)}] ${stats}`,
      );
    } else {
      this.stream.write(`${this.label}: ${stats}\n`);
    }
  }
}

function formatRate(rate: number): string {
  return rate >= 100 ? rate.toFixed(0) : rate.toFixed(1);
}

export function formatDuration(seconds: number): string {
  if (!Number.isFinite(seconds)) return '--';
  const s = Math.round(seconds);
  if (s < 60) return `${s}s`;
  if (s < 3600) return `${Math.floor(s / 60)}m${String(s % 60).padStart(2, '0')}s`;
  return `${Math.floor(s / 3600)}h${String(Math.floor((s % 3600) / 60)).padStart(2, '0')}m`;
}
