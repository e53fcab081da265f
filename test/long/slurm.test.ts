import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync, spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

// A real one-node Slurm cluster on localhost: munged, slurmctld and slurmd
// started by hand (no systemd), a 4-shard sweep submitted through the real
// sbatch, merged by the dependent job, and compared byte for byte with the same
// sweep run locally. Installs Slurm from Debian's packages when it can.
const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../..');
const bin = path.join(root, 'bin', 'exitsim.js');
const has = (cmd: string) => spawnSync('sh', ['-c', `command -v ${cmd}`]).status === 0;
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
const FILES = ['runs.csv', 'vms.csv', 'exits.csv', 'summary.csv', 'comparisons.csv', 'efficiency.svg', 'throughput.svg', 'cycles.svg'];

function ensureSlurm(): string | null {
  const needed = ['sbatch', 'slurmctld', 'slurmd', 'munged', 'squeue', 'sinfo'];
  if (needed.every(has)) return null;
  if (process.getuid?.() !== 0) return 'Slurm is not installed and installing it needs root';
  if (!has('apt-get')) return 'Slurm is not installed and there is no apt-get to install it';
  const r = spawnSync('sh', ['-c', 'apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq slurmctld slurmd slurm-client munge'], { encoding: 'utf8' });
  if (r.status !== 0 || !needed.every(has)) return `apt-get could not install Slurm: ${(r.stderr || '').trim().split('\n').pop()}`;
  return null;
}

test('a 4-shard sweep through a real Slurm cluster (sbatch --array + dependent merge) equals the local sweep; missing shards are resubmitted', { timeout: 600_000 }, async (t) => {
  const why = ensureSlurm();
  if (why) {
    t.skip(why);
    return;
  }
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'exitsim-slurm-'));
  const host = execFileSync('hostname', ['-s'], { encoding: 'utf8' }).trim();
  const conf = path.join(dir, 'slurm.conf');
  for (const d of ['state', 'spool', 'log']) fs.mkdirSync(path.join(dir, d));
  fs.writeFileSync(
    conf,
    [
      'ClusterName=exitsimtest', `SlurmctldHost=${host}`, 'SlurmUser=root', 'SlurmdUser=root', 'AuthType=auth/munge',
      `StateSaveLocation=${dir}/state`, `SlurmdSpoolDir=${dir}/spool`, `SlurmctldPidFile=${dir}/slurmctld.pid`, `SlurmdPidFile=${dir}/slurmd.pid`,
      `SlurmctldLogFile=${dir}/log/slurmctld.log`, `SlurmdLogFile=${dir}/log/slurmd.log`, 'ProctrackType=proctrack/linuxproc', 'TaskPlugin=task/none',
      'SelectType=select/cons_tres', 'SelectTypeParameters=CR_Core', 'SchedulerType=sched/backfill', 'AccountingStorageType=accounting_storage/none',
      'JobCompType=jobcomp/none', 'MpiDefault=none', 'ReturnToService=2', 'SlurmctldPort=16817', 'SlurmdPort=16818',
      `NodeName=${host} CPUs=${os.availableParallelism()} State=UNKNOWN`, `PartitionName=exitsim Nodes=${host} Default=YES MaxTime=INFINITE State=UP`, '',
    ].join('\n'),
  );
  const env = { ...process.env, SLURM_CONF: conf, CI: 'true' };
  fs.mkdirSync('/run/munge', { recursive: true });
  if (spawnSync('sh', ['-c', 'munge -n | unmunge'], { env }).status !== 0) execFileSync('munged', ['--force'], { env });
  execFileSync('slurmctld', ['-f', conf], { env });
  execFileSync('slurmd', ['-f', conf], { env });
  const stop = () => {
    spawnSync('scancel', ['--user=root'], { env });
    for (const pid of ['slurmd.pid', 'slurmctld.pid']) {
      const f = path.join(dir, pid);
      if (fs.existsSync(f)) spawnSync('kill', [fs.readFileSync(f, 'utf8').trim()]);
    }
  };
  try {
    // Wait for the node to come up.
    let up = false;
    for (let k = 0; k < 60 && !up; k++) {
      up = /idle/.test(spawnSync('sinfo', ['-h', '-o', '%T'], { env, encoding: 'utf8' }).stdout ?? '');
      if (!up) await sleep(500);
    }
    assert.ok(up, `the Slurm node did not come up: ${fs.readFileSync(path.join(dir, 'log', 'slurmd.log'), 'utf8').slice(-500)}`);
    const sweep = path.join(dir, 'sweep.yaml');
    fs.writeFileSync(
      sweep,
      'name: slurm-e2e\nbase:\n  name: slurm-e2e\n  host: { pcpus: 2, scheduler: fair }\n  vms: [{ workload: spinlock-job, vcpus: 2, count: 1 }]\n  durationSec: 0.05\n' +
        'parameters:\n  - path: vms[0].count\n    values: [1, 2, 3, 4]\nfeatureSets: ["nehalem,-ple", nehalem]\nreplications: 2\n',
    );
    const out = path.join(dir, 'cluster');
    const cli = (...args: string[]) => spawnSync(process.execPath, [bin, ...args], { cwd: root, env, encoding: 'utf8' });
    const waitMerged = async () => {
      for (let k = 0; k < 240; k++) {
        const st = JSON.parse(cli('slurm', 'status', out, '--json').stdout);
        if (st.merged) return st;
        await sleep(500);
      }
      assert.fail(`no merge: ${fs.readdirSync(path.join(out, 'slurm')).join(', ')}`);
    };
    const sub = cli('slurm', 'submit', sweep, '--shards', '4', '--out', out);
    assert.equal(sub.status, 0, sub.stderr);
    assert.match(sub.stdout, /submitted 4 shard task\(s\) as job \d+ and the merge as job \d+/);
    const st = await waitMerged();
    assert.equal(st.done, st.total);
    assert.equal(st.total, 8);
    const local = cli('sweep', sweep, '--out', path.join(dir, 'local'));
    assert.equal(local.status, 0, local.stderr);
    const read = (d: string) => Object.fromEntries(FILES.map((f) => [f, fs.readFileSync(path.join(d, f), 'utf8')]));
    assert.deepEqual(read(path.join(out, 'merged')), read(path.join(dir, 'local')), 'merged = local, byte for byte');
    // A failed task: lose shard 3, resubmit — only shard 3 runs again.
    fs.rmSync(path.join(out, 'shard-3-of-4'), { recursive: true });
    fs.rmSync(path.join(out, 'merged'), { recursive: true });
    const again = cli('slurm', 'submit', sweep, '--shards', '4', '--out', out);
    assert.equal(again.status, 0, again.stderr);
    assert.match(again.stdout, /submitted 1 shard task\(s\)/);
    await waitMerged();
    assert.deepEqual(read(path.join(out, 'merged')), read(path.join(dir, 'local')));
  } finally {
    stop();
  }
});
