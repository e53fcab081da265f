import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync, spawnSync } from 'node:child_process';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

// Drives the real `exitsim tui` in a pseudo-terminal (tmux) and reads the screen.
const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../..');
const hasTmux = spawnSync('tmux', ['-V']).status === 0;
const session = `exitsim-e2e-${process.pid}`;
const tmux = (...args: string[]) => execFileSync('tmux', args, { encoding: 'utf8' });
const screen = () => tmux('capture-pane', '-t', session, '-p');
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

async function waitFor(pattern: RegExp, ms = 20_000): Promise<string> {
  const deadline = Date.now() + ms;
  let text = '';
  while (Date.now() < deadline) {
    text = screen();
    if (pattern.test(text)) return text;
    await sleep(100);
  }
  assert.fail(`screen never matched ${pattern}:\n${text}`);
}

test('exitsim tui in a real 80×24 terminal: live screen, pause, feature toggle, quit', { skip: hasTmux ? false : 'tmux is not installed (.ci/run installs it with apt-get when it can)' }, async () => {
  const cmd = `cd ${root} && env -u CI node bin/exitsim.js tui kernel-build --features none --features modern --duration 2; echo EXITED $?; sleep 30`;
  tmux('new-session', '-d', '-s', session, '-x', '80', '-y', '24', cmd);
  try {
    let text = await waitFor(/running t \d\.\d{3}/);
    assert.match(text, /features\s+none\s+>modern/);
    assert.match(text, /exit reasons \(modern\), by cycles/);
    assert.match(text, /\[space\] pause/);
    assert.ok(text.split('\n').every((l) => l.length <= 80));
    await waitFor(/efficiency\s+\d+\.\d+%\s+\d+\.\d+%/);
    tmux('send-keys', '-t', session, ' ');
    text = await waitFor(/PAUSED/);
    const t1 = /t (\d\.\d{3})\//.exec(text)?.[1];
    await sleep(800);
    assert.equal(/t (\d\.\d{3})\//.exec(screen())?.[1], t1, 'time stands still while paused');
    tmux('send-keys', '-t', session, ' ');
    tmux('send-keys', '-t', session, '7'); // ioeventfd off in the modern column
    await waitFor(/ioeventfd off in column 2/);
    await waitFor(/modern,-ioeventfd/);
    tmux('send-keys', '-t', session, 'q');
    await waitFor(/EXITED 0/);
  } finally {
    spawnSync('tmux', ['kill-session', '-t', session]);
  }
});

test('exitsim tui with CI=true prints plain progress lines instead of a screen', () => {
  const r = spawnSync(process.execPath, [path.join(root, 'bin', 'exitsim.js'), 'tui', 'cpu-bound', '--duration', '0.2'], { cwd: root, encoding: 'utf8', env: { ...process.env, CI: 'true' } });
  assert.equal(r.status, 0, r.stderr);
  const lines = r.stdout.trim().split('\n');
  assert.ok(lines.length >= 1);
  assert.match(lines[lines.length - 1], /^t 0\.300\/0\.300 s \| [\d.]+M events\/s \| modern: [\d.]+ units\/s, eff \d+\.\d+%$/);
  assert.doesNotMatch(r.stdout, /\u001b\[/, 'no escape sequences');
});
