import { readFileSync } from 'node:fs';
import { extname, resolve } from 'node:path';
import { parse as parseYaml } from 'yaml';
import { ConfigError, ConfigErrorCode } from './config.errors.js';

/**
 * Reads a JSON or YAML configuration file whose top level is a mapping of setting names to values
 * (`GATEWAY_PORT: 8080`). `.json` is parsed as JSON, anything else as YAML (a superset of JSON).
 * An empty file is an empty mapping.
 */
export function readConfigFile(path: string): Record<string, unknown> {
  const absolute = resolve(path);
  let text: string;
  try {
    text = readFileSync(absolute, 'utf8');
  } catch (cause) {
    const reason = (cause as NodeJS.ErrnoException).code === 'ENOENT' ? 'does not exist' : 'cannot be read';
    throw new ConfigError(ConfigErrorCode.FileUnreadable, `Configuration file ${absolute} ${reason}`, [], { cause });
  }
  const parsed = parseText(text, absolute);
  if (parsed === null || parsed === undefined) return {};
  if (typeof parsed !== 'object' || Array.isArray(parsed)) {
    throw new ConfigError(
      ConfigErrorCode.FileMalformed,
      `Configuration file ${absolute} must hold a mapping of setting names to values (e.g. GATEWAY_PORT: 8080), got ${Array.isArray(parsed) ? 'a list' : typeof parsed}`,
    );
  }
  return parsed as Record<string, unknown>;
}

function parseText(text: string, path: string): unknown {
  try {
    return extname(path).toLowerCase() === '.json' ? JSON.parse(text) : parseYaml(text);
  } catch (cause) {
    const detail = cause instanceof Error ? cause.message.split('\n')[0] : String(cause);
    throw new ConfigError(ConfigErrorCode.FileMalformed, `Configuration file ${path} is not valid ${extname(path).toLowerCase() === '.json' ? 'JSON' : 'YAML'}: ${detail}`, [], {
      cause,
    });
  }
}
