/**
 * Progress for long operations: a redrawn bar on a terminal, a plain line every 10% otherwise
 * (logs and CI stay readable).
 */
export interface ProgressSink {
  write(chunk: string): boolean;
  isTTY?: boolean;
}

export class ProgressBar {
  private lastDecile = -1;
  private readonly started = performance.now();

  private readonly out: ProgressSink;
  private readonly label: string;
  private readonly width: number;

  constructor(out: ProgressSink, label: string, width = 30) {
    this.out = out;
    this.label = label;
    this.width = width;
  }

  /** `done` of `total` units; `detail` is appended (for example "12,345 docs"). */
  update(done: number, total: number, detail = ''): void {
    const fraction = total > 0 ? Math.min(1, done / total) : 1;
    const pct = `${Math.floor(fraction * 100)}%`.padStart(4);
    const elapsed = (performance.now() - this.started) / 1000;
    const rate = elapsed > 0 ? done / elapsed : 0;
    const eta = rate > 0 && fraction < 1 ? ` ETA ${Math.ceil((total - done) / rate)}s` : '';
    if (this.out.isTTY) {
      const filled = Math.round(fraction * this.width);
      const bar = '█'.repeat(filled) + '░'.repeat(this.width - filled);
      this.out.write(`\r${this.label} ${bar} ${pct} ${detail}${eta}\x1b[K`);
    } else {
      const decile = Math.floor(fraction * 10);
      if (decile !== this.lastDecile) {
        this.lastDecile = decile;
        this.out.write(`${this.label} ${pct} ${detail}\n`);
      }
    }
  }

  done(summary: string): void {
    this.out.write(this.out.isTTY ? `\r${summary}\x1b[K\n` : `${summary}\n`);
  }
}

/** `1536` → `1.5 KB` (powers of 1024, one decimal from KB up). */
export function formatBytes(bytes: number): string {
  const units = ['B', 'KB', 'MB', 'GB', 'TB'];
  let value = bytes;
  let unit = 0;
  while (value >= 1024 && unit < units.length - 1) {
    value /= 1024;
    unit++;
  }
  return unit === 0 ? `${value} B` : `${value.toFixed(1)} ${units[unit]}`;
}
