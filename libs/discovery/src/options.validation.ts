import { DiscoveryError, DiscoveryErrorCode } from './discovery.errors.js';

/** The error every `resolve…Options()` throws: which option, what was given, what is allowed. */
export function invalidOption(name: string, value: unknown, allowed: string): DiscoveryError {
  return new DiscoveryError(
    DiscoveryErrorCode.InvalidOptions,
    `Invalid discovery option "${name}": got ${describe(value)}; allowed: ${allowed}.`,
  );
}

/** An integer in [min, max], or `fallback` when undefined. */
export function integerOption(name: string, value: unknown, fallback: number, min: number, max: number): number {
  if (value === undefined) return fallback;
  if (typeof value !== 'number' || !Number.isInteger(value) || value < min || value > max) {
    throw invalidOption(name, value, `an integer from ${min} to ${max}`);
  }
  return value;
}

/** A string matching `pattern`, or undefined when absent. */
export function stringOption(name: string, value: unknown, pattern: RegExp, allowed: string): string | undefined {
  if (value === undefined) return undefined;
  if (typeof value !== 'string' || !pattern.test(value)) throw invalidOption(name, value, allowed);
  return value;
}

function describe(value: unknown): string {
  if (typeof value === 'string') return JSON.stringify(value);
  if (typeof value === 'function') return 'a function';
  if (value === null || typeof value !== 'object') return String(value);
  try {
    return JSON.stringify(value);
  } catch {
    return 'an object';
  }
}
