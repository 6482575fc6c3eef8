/**
 * Progress on stderr: a redrawn bar with runs done, rate and ETA on a terminal; a plain log
 * line every few seconds otherwise (CI logs, nohup, SLURM), so it never floods a file.
 */
export class Progress {
  private done = 0;
  private readonly started = Date.now();
  private lastDraw = 0;
  private readonly tty: boolean;

  constructor(
    private readonly total: number,
    private readonly label: string,
    private readonly quiet = false,
    private readonly stream: NodeJS.WriteStream = process.stderr,
    private readonly logEveryMs = 5000,
  ) {
    this.tty = Boolean(stream.isTTY);
  }

  tick(n = 1): void {
    this.done += n;
    if (this.quiet) return;
    const now = Date.now();
    if (
      this.tty
        ? now - this.lastDraw >= 100 || this.done === this.total
        : now - this.lastDraw >= this.logEveryMs
    ) {
      this.lastDraw = now;
      this.draw();
    }
  }

  finish(message: string): void {
    if (this.quiet) return;
    if (this.tty) this.stream.write('\r\x1b[2K');
    this.stream.write(`${message}\n`);
  }

  private draw(): void {
    const seconds = (Date.now() - this.started) / 1000;
    const rate = seconds > 0 ? this.done / seconds : 0;
    const eta = rate > 0 ? (this.total - this.done) / rate : NaN;
    const stats = `${this.done}/${this.total} runs  ${rate.toFixed(1)} runs/s  ETA ${formatDuration(eta)}`;
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

export function formatDuration(seconds: number): string {
  if (!Number.isFinite(seconds)) return '--';
  const s = Math.round(seconds);
  if (s < 60) return `${s}s`;
  if (s < 3600) return `${Math.floor(s / 60)}m${String(s % 60).padStart(2, '0')}s`;
  return `${Math.floor(s / 3600)}h${String(Math.floor((s % 3600) / 60)).padStart(2, '0')}m`;
}
