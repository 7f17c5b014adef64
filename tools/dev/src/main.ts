import { runCli } from './cli.runner.js';

// Holds the event loop open while stopping (clock timers are unref'd), then exits with the CLI's code.
const keepAlive = setInterval(() => undefined, 1 << 30);
const code = await runCli(process.argv.slice(2));
clearInterval(keepAlive);
process.exit(code);
