#!/usr/bin/env node
// Entry point: the compiled CLI (npm ci builds it through the prepare script).
import { existsSync } from 'node:fs';
// React (in the terminal UI) runs its production build unless asked otherwise.
process.env.NODE_ENV ??= 'production';
const main = new URL('../dist/src/cli/main.js', import.meta.url);
if (!existsSync(main)) {
  process.stderr.write('exitsim: not built yet — run `npm ci` (or `npm run build`) in the checkout first\n');
  process.exit(1);
}
// A reader that stops early (`exitsim microbench | head`) closes the pipe: that ends the output, not in a crash.
process.stdout.on('error', (err) => {
  if (err.code === 'EPIPE') process.exit(process.exitCode ?? 0);
  throw err;
});
const { main: run } = await import(main.href);
process.exitCode = await run(process.argv.slice(2));
