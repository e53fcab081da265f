// Progress on stderr, drawn only where it helps: a bar with an ETA on a terminal for studies,
// runs (share of simulated time) and searches; plain lines for studies otherwise (CI=true, pipes).
/** m:ss, or --:-- before there is anything to go on. */
const clock = (s: number) => (Number.isFinite(s) ? `${Math.floor(s / 60)}:${String(Math.round(s % 60)).padStart(2, '0')}` : '--:--');

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
    const resumed = skipped > 0 ? `, ${skipped} done before` : '';
    if (tty) {
      const width = 30;
      const filled = Math.round((done / total) * width);
      process.stderr.write(`\r${label} [${'#'.repeat(filled)}${'.'.repeat(width - filled)}] ${done}/${total} jobs${resumed}, ETA ${clock(eta)} `);
      if (done === total) process.stderr.write('\n');
      return;
    }
    const decile = Math.floor((done / total) * 10);
    if (decile !== lastLine || done === total) {
      lastLine = decile;
      process.stderr.write(`${label}: ${done}/${total} jobs${resumed}, elapsed ${clock(elapsed)}, ETA ${clock(eta)}\n`);
    }
  };
}


/** Whether progress is drawn: a terminal on stderr (never in pipes, logs or CI, where it would be noise). */
export function progressOnTty(): boolean {
  return Boolean(process.stderr.isTTY) && process.env.CI !== 'true';
}

/**
 * Progress inside runs (run, compare, sensitivity): the share of simulated time done and an ETA
 * from the wall time so far, redrawn on one stderr line and erased when done. Undefined off a terminal.
 */
export function simulatedTimeProgress(label: string): ((fraction: number) => void) | undefined {
  if (!progressOnTty()) return undefined;
  const t0 = Date.now();
  let finished = false;
  return (fraction) => {
    if (finished) return;
    const elapsed = (Date.now() - t0) / 1000;
    if (fraction >= 1) {
      finished = true;
      process.stderr.write('\r\x1b[K');
      return;
    }
    const width = 30;
    const filled = Math.round(fraction * width);
    const eta = fraction > 0.01 ? (elapsed / fraction) * (1 - fraction) : NaN;
    process.stderr.write(`\r\x1b[K${label} [${'#'.repeat(filled)}${'.'.repeat(width - filled)}] ${(fraction * 100).toFixed(0)}% of the simulated time, ${clock(elapsed)} elapsed, ETA ${clock(eta)}`);
  };
}

/** Progress of a search (capacity): what was tried last, runs done and left (an estimate), elapsed and ETA. */
export function stepProgress(label: string): ((line: string, leftPerDone?: number) => void) | undefined {
  if (!progressOnTty()) return undefined;
  const t0 = Date.now();
  return (line, leftPerDone) => {
    if (line === '') {
      process.stderr.write('\r\x1b[K');
      return;
    }
    const elapsed = (Date.now() - t0) / 1000;
    const eta = leftPerDone === undefined ? '' : `, ETA ~${clock(elapsed * leftPerDone)}`;
    process.stderr.write(`\r\x1b[K${label}: ${line}, ${clock(elapsed)} elapsed${eta}`);
  };
}
