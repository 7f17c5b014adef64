import { MeshwayError } from '@meshway/errors';

/** Stable error codes of `@meshway/config`. Callers switch on `code`, never on the message. */
export const ConfigErrorCode = {
  /** One or more settings are missing or hold a value the schema does not allow. */
  Invalid: 'MESHWAY_CONFIG_INVALID',
  /** The configuration file named explicitly does not exist or cannot be read. */
  FileUnreadable: 'MESHWAY_CONFIG_FILE_UNREADABLE',
  /** The configuration file is not valid JSON/YAML, or its top level is not a mapping. */
  FileMalformed: 'MESHWAY_CONFIG_FILE_MALFORMED',
} as const;

export type ConfigErrorCode = (typeof ConfigErrorCode)[keyof typeof ConfigErrorCode];

/** One rejected setting: which variable, the value given (undefined when missing) and what is allowed. */
export interface ConfigIssue {
  variable: string;
  value: string | undefined;
  expected: string;
  /** The file the value came from; absent when it came from the environment (or was missing). */
  file?: string;
}

/**
 * Thrown by `loadConfig` (and so by a Nest boot with `ConfigModule`). The message holds one line per issue:
 * `Invalid configuration: GATEWAY_PORT="abc" is not allowed: expected an integer from 0 to 65535`.
 */
export class ConfigError extends MeshwayError<ConfigErrorCode> {
  override readonly name = 'ConfigError';

  constructor(
    code: ConfigErrorCode,
    message: string,
    readonly issues: ConfigIssue[] = [],
    options?: ErrorOptions,
  ) {
    super(code, message, options);
  }

  /** A `MESHWAY_CONFIG_INVALID` error whose message lists every issue. */
  static invalid(issues: ConfigIssue[]): ConfigError {
    return new ConfigError(ConfigErrorCode.Invalid, issues.map(describeIssue).join('\n'), issues);
  }
}

function describeIssue(issue: ConfigIssue): string {
  const where = issue.file === undefined ? '' : ` in ${issue.file}`;
  const what =
    issue.value === undefined
      ? `${issue.variable}${where} is not set`
      : `${issue.variable}=${JSON.stringify(issue.value)}${where} is not allowed`;
  return `Invalid configuration: ${what}: expected ${issue.expected}`;
}
