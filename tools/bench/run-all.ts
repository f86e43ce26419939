import { spawn } from 'node:child_process';
import { join } from 'node:path';

/**
 * `npm run bench`: every benchmark, one after another (they measure the same machine, so never
 * together). Names on the command line pick some: `npm run bench -- ingress`.
 */
const BENCHES: ReadonlyArray<{ name: string; script: string; defaults?: readonly string[] }> = [
  { name: 'ingress', script: join(__dirname, 'ingress', 'main.js') },
  { name: 'pipeline', script: join(__dirname, 'pipeline', 'main.js') },
  { name: 'outbound', script: join(__dirname, 'outbound', 'main.js') },
  // Shorter than its own defaults (about 1.5 minutes instead of 2.5); flags given win.
  {
    name: 'scale',
    script: join(__dirname, 'scale', 'main.js'),
    defaults: ['--duration=10', '--warmup=3'],
  },
];

async function runOne(script: string, args: string[]): Promise<number> {
  return new Promise((resolveRun, reject) => {
    const child = spawn(process.execPath, [script, ...args], { stdio: 'inherit' });
    child.on('error', reject);
    child.on('exit', (code, signal) => resolveRun(code ?? (signal === null ? 1 : 130)));
  });
}

async function main(): Promise<void> {
  const names = process.argv.slice(2).filter((arg) => !arg.startsWith('-'));
  const flags = process.argv.slice(2).filter((arg) => arg.startsWith('-'));
  const unknown = names.filter((name) => !BENCHES.some((bench) => bench.name === name));
  if (unknown.length > 0) {
    throw new Error(
      `unknown bench ${unknown.join(', ')}; known: ${BENCHES.map((b) => b.name).join(', ')}`,
    );
  }
  const selected = BENCHES.filter((bench) => names.length === 0 || names.includes(bench.name));
  const failed: string[] = [];
  for (const bench of selected) {
    process.stdout.write(`\n=== bench: ${bench.name} ===\n`);
    // The child gets Ctrl+C itself (same process group) and cleans up; just wait for it.
    // Each bench takes the first of a repeated flag: the command line's before the defaults.
    const code = await runOne(bench.script, [...flags, ...(bench.defaults ?? [])]);
    if (code !== 0) {
      failed.push(`${bench.name} (exit ${code})`);
      if (code === 130) {
        break;
      }
    }
  }
  if (failed.length > 0) {
    throw new Error(`failed: ${failed.join(', ')}`);
  }
}

process.on('SIGINT', () => undefined);
main().catch((error: unknown) => {
  console.error(error instanceof Error ? error.message : error);
  process.exit(1);
});
