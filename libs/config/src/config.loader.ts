import { z } from 'zod';
import { ConfigError, type ConfigIssue } from './config.errors.js';
import { readConfigFile } from './config-file.reader.js';

/** Options of {@link loadConfig}. */
export interface LoadConfigOptions {
  /** Variables to read; defaults to `process.env`. Only the schema's keys are read. */
  env?: Readonly<Record<string, string | undefined>>;
  /** Optional JSON or YAML file with the same keys; env vars override its values. A missing file is an error. */
  file?: string;
  /** Accept keys in `file` that the schema does not know (e.g. a file shared by several processes). Default false. */
  allowUnknownFileKeys?: boolean;
}

interface RawValue {
  value: unknown;
  file?: string;
}

/**
 * Reads the schema's keys from the environment (and `file`), validates them and returns the typed result.
 * An empty env var counts as unset. Throws one `ConfigError` listing every bad or missing setting.
 */
export function loadConfig<S extends z.ZodObject>(schema: S, options: LoadConfigOptions = {}): z.infer<S> {
  const keys = Object.keys(schema.shape);
  const fileValues = options.file === undefined ? {} : readConfigFile(options.file);
  const raw = collect(keys, options.env ?? process.env, fileValues, options.file);
  const issues = options.allowUnknownFileKeys === true ? [] : unknownKeyIssues(keys, fileValues, options.file);
  const result = schema.safeParse(Object.fromEntries([...raw].map(([key, v]) => [key, v.value])));
  if (!result.success) issues.push(...issuesFrom(result.error, raw));
  if (issues.length > 0 || !result.success) throw ConfigError.invalid(issues);
  return result.data;
}

function collect(
  keys: string[],
  env: Readonly<Record<string, string | undefined>>,
  fileValues: Record<string, unknown>,
  file: string | undefined,
): Map<string, RawValue> {
  const raw = new Map<string, RawValue>();
  for (const key of keys) {
    const fromEnv = env[key];
    const fromFile = fileValues[key];
    if (fromEnv !== undefined && fromEnv !== '') raw.set(key, { value: fromEnv });
    else if (fromFile !== undefined && fromFile !== null && fromFile !== '') raw.set(key, { value: fromFile, file: file ?? '' });
  }
  return raw;
}

function unknownKeyIssues(keys: string[], fileValues: Record<string, unknown>, file: string | undefined): ConfigIssue[] {
  const known = new Set(keys);
  return Object.keys(fileValues)
    .filter((key) => !known.has(key))
    .map((key) => ({
      variable: key,
      value: render(fileValues[key]),
      expected: `a known setting (${keys.join(', ')})`,
      file: file ?? '',
    }));
}

function issuesFrom(error: z.ZodError, raw: Map<string, RawValue>): ConfigIssue[] {
  const seen = new Set<string>();
  const issues: ConfigIssue[] = [];
  for (const issue of error.issues) {
    const variable = issue.path.length > 0 ? String(issue.path[0]) : '(configuration)';
    if (seen.has(variable)) continue;
    seen.add(variable);
    const given = raw.get(variable);
    issues.push({
      variable,
      value: render(given?.value),
      expected: expectation(issue.message),
      ...(given?.file === undefined ? {} : { file: given.file }),
    });
  }
  return issues;
}

/** Zod's own messages ("Invalid input: expected number, received string") read as an expectation. */
function expectation(message: string): string {
  const text = message.replace(/^[A-Z][a-z ]*:\s*/, '').replace(/^expected\s+/i, '');
  return text.charAt(0).toLowerCase() + text.slice(1);
}

function render(value: unknown): string | undefined {
  if (value === undefined) return undefined;
  return typeof value === 'string' ? value : JSON.stringify(value);
}
