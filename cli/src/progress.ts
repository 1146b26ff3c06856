/**
 * Progress for long CLI work on stderr: a redrawn bar on a terminal, an occasional plain line
 * otherwise (logs, CI), nothing when quiet. Results go to stdout, so piping them stays clean.
 */
export class Progress {
  private lastLineAt = 0;
  private readonly isTty = Boolean(process.stderr.isTTY);

  constructor(
    private readonly label: string,
    private readonly quiet = false,
  ) {}

  update(done: number, total: number | undefined, detail = ''): void {
    if (this.quiet) return;
    const fraction = total && total > 0 ? Math.min(1, done / total) : undefined;
    if (this.isTty) {
      const width = 28;
      const bar =
        fraction === undefined
          ? ''
          : `[${'#'.repeat(Math.round(fraction * width)).padEnd(width, '.')}] ${(fraction * 100).toFixed(0).padStart(3)}% `;
      process.stderr.write(`\r${this.label} ${bar}${detail}\u001b[K`);
      return;
    }
    const now = Date.now();
    if (now - this.lastLineAt < 2_000) return;
    this.lastLineAt = now;
    process.stderr.write(
      `${this.label}${fraction === undefined ? '' : ` ${(fraction * 100).toFixed(0)}%`} ${detail}\n`,
    );
  }

  done(summary: string): void {
    if (this.quiet) return;
    process.stderr.write(`${this.isTty ? '\r' : ''}${this.label} ${summary}${this.isTty ? '\u001b[K' : ''}\n`);
  }
}
