export { FakeClock } from './fake-clock.js';
export { LogCapture } from './log.capture.js';
export { freePort } from './free-port.js';
export { startNestApp, type StartNestAppOptions, type StartedNestApp } from './nest-app.starter.js';
export { spawnProcess, stopAllProcesses, type ManagedProcess, type ProcessOptions, type ProcessExit } from './managed.process.js';
export { spawnTs, type SpawnTsOptions } from './spawn-ts.js';
export { waitFor, type WaitForOptions } from './wait-for.js';
export { REPO_ROOT } from './repo-root.js';
export { TestingError, TestingErrorCode } from './testing.errors.js';
