// Progress for long studies: a bar with ETA on a terminal, plain lines
// otherwise (CI=true, pipes), always on stderr so --json stdout stays clean.
export function progressReporter(label: string): (done: number, total: number, skipped: number) => void {
  const tty = Boolean(process.stderr.isTTY) && process.env.CI !== 'true';
  const t0 = Date.now();
  let lastLine = -1;
  return (done, total, skipped) => {
    if (total === 0) {
      process.stderr.write(`${label}: nothing to run (${skipped} jobs already done)\n`);
      return;
    }
    const elapsed = (Date.now() - t0) / 1000;
    const eta = done > 0 ? (elapsed / done) * (total - done) : NaN;
    const fmt = (s: number) => (Number.isFinite(s) ? `${Math.floor(s / 60)}:${String(Math.round(s % 60)).padStart(2, '0')}` : '--:--');
    const resumed = skipped > 0 ? `, ${skipped} done before` : '';
    if (tty) {
      const width = 30;
      const filled = Math.round((done / total) * width);
      process.stderr.write(`\r${label} [${'#'.repeat(filled)}${'.'.repeat(width - filled)}] ${done}/${total} jobs${resumed}, ETA ${fmt(eta)} `);
      if (done === total) process.stderr.write('\n');
      return;
    }
    const decile = Math.floor((done / total) * 10);
    if (decile !== lastLine || done === total) {
      lastLine = decile;
      process.stderr.write(`${label}: ${done}/${total} jobs${resumed}, elapsed ${fmt(elapsed)}, ETA ${fmt(eta)}\n`);
    }
  };
}
