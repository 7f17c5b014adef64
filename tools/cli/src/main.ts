import { AdminError, adminTarget } from './admin.client.js';
import { UsageError, type Command } from './commands/command.js';
import { configApply, configExport } from './commands/config.command.js';
import { drain, instancesList, undrain } from './commands/instances.command.js';
import { releaseEnd, releaseSet, releaseShow, releaseWeight } from './commands/release.command.js';
import { routesCommand } from './commands/routes.command.js';

const COMMANDS: readonly Command[] = [routesCommand, configExport, configApply, releaseShow, releaseSet, releaseWeight, releaseEnd, instancesList, drain, undrain];

function help(out: (line: string) => void): void {
  out('meshway — the gateway admin API from a terminal (MESHWAY_ADMIN_URL, default http://127.0.0.1:8081; token from');
  out('GATEWAY_ADMIN_TOKEN or .meshway/admin-token, which npm start writes)\n');
  for (const command of COMMANDS) out(`  meshway ${command.usage}`);
}

/** Finds the command whose words start `argv` (longest first), e.g. `release set users …` → `release set`. */
function commandOf(argv: readonly string[]): { command: Command; args: readonly string[] } | undefined {
  const sorted = [...COMMANDS].sort((a, b) => b.name.split(' ').length - a.name.split(' ').length);
  for (const command of sorted) {
    const words = command.name.split(' ');
    if (words.every((word, i) => argv[i] === word)) return { command, args: argv.slice(words.length) };
  }
  if (argv[0] === 'release' && (argv.length === 1 || !COMMANDS.some((c) => c.name === `release ${argv[1] ?? ''}`))) return { command: releaseShow, args: argv.slice(1) };
  return undefined;
}

/** Runs one command; answers the exit code (0 done, 1 the API refused or is unreachable, 2 a usage mistake). */
export async function main(argv: readonly string[], env: Readonly<Record<string, string | undefined>>, out: (line: string) => void = console.log, err: (line: string) => void = console.error, cwd = process.cwd()): Promise<number> {
  if (argv.length === 0 || argv[0] === 'help' || argv.includes('--help')) {
    help(out);
    return 0;
  }
  const found = commandOf(argv);
  if (!found) {
    err(`meshway: unknown command "${argv.join(' ')}"\n`);
    help(err);
    return 2;
  }
  try {
    await found.command.run({ args: found.args, admin: await adminTarget(env, cwd), cwd, out });
    return 0;
  } catch (error) {
    if (error instanceof UsageError) {
      err(`meshway: ${error.message}\n  usage: meshway ${found.command.usage}`);
      return 2;
    }
    if (error instanceof AdminError) {
      err(`meshway: ${error.code}: ${error.message}`);
      return 1;
    }
    err(`meshway: ${(error as Error).message}`);
    return 1;
  }
}
