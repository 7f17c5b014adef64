#!/usr/bin/env node
// `npm test`: make sure of the machine's services (NATS, Redis, Chromium — ensure-services.mjs, the same
// script .ci/run uses), lint and typecheck side by side, then every Vitest project (unit, generator, e2e,
// chaos, security). Prints one closing line `TESTS: <n> passed, <m> failed` and exits non-zero on any failure.
// Lint and typecheck count as one check each; every Vitest test counts as one.
import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ensureServices } from './ensure-services.mjs';

const root = join(import.meta.dirname, '..', '..');
const bin = (name) => join(root, 'node_modules', '.bin', name);
const extra = process.argv.slice(2);

const seconds = (started) => `${((Date.now() - started) / 1000).toFixed(1)} s`;
const commandLine = (cmd, args) => [cmd.split('/').pop(), ...args].join(' ');

/**
 * Runs a check with its output held back and printed as one block when it ends, so two checks running
 * side by side stay readable. Colour is kept when our stdout is a terminal.
 */
function runBuffered(label, cmd, args) {
  const started = Date.now();
  const tty = process.stdout.isTTY === true;
  return new Promise((resolve) => {
    const chunks = [];
    const child = spawn(cmd, args, { cwd: root, stdio: ['ignore', 'pipe', 'pipe'], env: { ...process.env, ...(tty ? { FORCE_COLOR: '1' } : {}) } });
    child.stdout.on('data', (chunk) => chunks.push(chunk));
    child.stderr.on('data', (chunk) => chunks.push(chunk));
    let finished = false;
    const finish = (ok, why) => {
      if (finished) return; // 'error' may be followed by 'close'
      finished = true;
      const output = Buffer.concat(chunks).toString('utf8');
      process.stdout.write(`\n=== ${label}: ${commandLine(cmd, args)}\n${output}${output === '' || output.endsWith('\n') ? '' : '\n'}`);
      process.stdout.write(`=== ${label}: ${ok ? 'ok' : `FAILED (${why})`} in ${seconds(started)}\n`);
      resolve(ok);
    };
    child.once('error', (error) => finish(false, error.message));
    child.once('close', (code, signal) => finish(code === 0, signal ?? code));
  });
}

function run(label, cmd, args, env = {}) {
  const started = Date.now();
  process.stdout.write(`\n=== ${label}: ${commandLine(cmd, args)}\n`);
  return new Promise((resolve) => {
    const child = spawn(cmd, args, { cwd: root, stdio: 'inherit', env: { ...process.env, ...env } });
    child.on('exit', (code, signal) => {
      const ok = code === 0;
      process.stdout.write(`=== ${label}: ${ok ? 'ok' : `FAILED (${signal ?? code})`} in ${seconds(started)}\n`);
      resolve(ok);
    });
  });
}

let passed = 0;
let failed = 0;
const count = (ok) => (ok ? passed++ : failed++);

// Before anything: a machine without NATS, Redis or Chromium fails here, saying what to do, not in a spec.
if (!(await ensureServices())) {
  console.log(`\nTESTS: ${passed} passed, ${failed + 1} failed`);
  process.exit(1);
}

const only = extra.length > 0; // `npm test -- <vitest filters>` runs just those specs
if (!only) {
  // Independent checks: side by side, each printed whole when it ends.
  process.stdout.write('\n=== lint and typecheck, side by side (each shown when it ends)\n');
  const tty = process.stdout.isTTY === true;
  const checks = await Promise.all([
    runBuffered('lint', bin('eslint'), ['--max-warnings=0', '.']),
    runBuffered('typecheck', bin('tsc'), ['-p', 'tsconfig.json', ...(tty ? ['--pretty'] : [])]),
  ]);
  checks.forEach(count);
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
