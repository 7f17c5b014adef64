import type { AdminTarget } from '../admin.client.js';

/** What a command gets: its arguments (after the command words), the admin API, and where to write. */
export interface CommandContext {
  readonly args: readonly string[];
  readonly admin: AdminTarget;
  readonly cwd: string;
  readonly out: (line: string) => void;
}

export interface Command {
  /** The words that select it, e.g. `release set`. */
  readonly name: string;
  /** One line for `meshway help`. */
  readonly usage: string;
  run(context: CommandContext): Promise<void>;
}

/** A usage mistake: printed with the command's usage, exit 2. */
export class UsageError extends Error {
  override readonly name = 'UsageError';
}
