#!/usr/bin/env node
// `npm test`: lint, typecheck, then every Vitest project (unit, generator, e2e, chaos, security).
// Prints one closing line `TESTS: <n> passed, <m> failed` and exits non-zero on any failure.
// Lint and typecheck count as one check each; every Vitest test counts as one.
import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

const root = join(import.meta.dirname, '..', '..');
const bin = (name) => join(root, 'node_modules', '.bin', name);
const extra = process.argv.slice(2);

function run(label, cmd, args, env = {}) {
  const started = Date.now();
  process.stdout.write(`\n=== ${label}: ${[cmd.split('/').pop(), ...args].join(' ')}\n`);
  return new Promise((resolve) => {
    const child = spawn(cmd, args, { cwd: root, stdio: 'inherit', env: { ...process.env, ...env } });
    child.on('exit', (code, signal) => {
      const ok = code === 0;
      process.stdout.write(`=== ${label}: ${ok ? 'ok' : `FAILED (${signal ?? code})`} in ${((Date.now() - started) / 1000).toFixed(1)} s\n`);
      resolve(ok);
    });
  });
}

let passed = 0;
let failed = 0;
const count = (ok) => (ok ? passed++ : failed++);

const only = extra.length > 0; // `npm test -- <vitest filters>` runs just those specs
if (!only) {
  count(await run('lint', bin('eslint'), ['--max-warnings=0', '.']));
  count(await run('typecheck', bin('tsc'), ['-p', 'tsconfig.json']));
}

const dir = mkdtempSync(join(tmpdir(), 'meshway-tests-'));
const report = join(dir, 'vitest.json');
const vitestOk = await run('vitest', bin('vitest'), ['run', '--reporter=default', '--reporter=json', `--outputFile.json=${report}`, ...extra], { FORCE_COLOR: process.stdout.isTTY ? '1' : '0' });
try {
  const result = JSON.parse(readFileSync(report, 'utf8'));
  passed += result.numPassedTests;
  failed += result.numFailedTests;
  // A file that fails to load has no tests to count, yet is a failure.
  const brokenFiles = result.testResults.filter((f) => f.status === 'failed' && f.assertionResults.length === 0).length;
  failed += brokenFiles;
  if (!vitestOk && result.numFailedTests === 0 && brokenFiles === 0) failed++;
} catch {
  failed++; // Vitest crashed before writing its report.
}
rmSync(dir, { recursive: true, force: true });

console.log(`\nTESTS: ${passed} passed, ${failed} failed`);
process.exit(failed === 0 && passed > 0 ? 0 : 1);
