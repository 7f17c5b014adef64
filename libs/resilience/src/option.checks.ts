import { invalidOption } from './resilience.errors.js';

/*
 * The checks every `resolve…Options()` uses, so each piece validates its options in one place and every failure reads
 * the same way: MESHWAY_RESILIENCE_INVALID_OPTIONS naming the option (a dotted path), the value and what is allowed.
 * Values come from routes files and env as often as from code, so nothing here trusts the static types.
 */

/** A plain options object (absent: `{}`) whose keys are all `known`: a typo in a routes file must not pass silently. */
export function optionsObject<K extends string>(given: unknown, path: string, known: readonly K[]): Partial<Record<K, unknown>> {
  if (given === undefined) return {};
  if (typeof given !== 'object' || given === null || Array.isArray(given)) throw invalidOption(path, given, `an object with ${known.join(', ')}`);
  for (const key of Object.keys(given)) {
    if (!(known as readonly string[]).includes(key)) throw invalidOption(`${path}.${key}`, (given as Record<string, unknown>)[key], `no such option; known: ${known.join(', ')}`);
  }
  return given;
}

export function integerOption(value: unknown, path: string, min: number, max: number): number {
  if (typeof value !== 'number' || !Number.isInteger(value) || value < min || value > max) throw invalidOption(path, value, `an integer from ${min} to ${max}`);
  return value;
}

/** A finite number in [min, max] (`(min, max]` when `exclusiveMin`). */
export function numberOption(value: unknown, path: string, min: number, max: number, exclusiveMin = false): number {
  const ok = typeof value === 'number' && Number.isFinite(value) && (exclusiveMin ? value > min : value >= min) && value <= max;
  if (!ok) throw invalidOption(path, value, `a number ${exclusiveMin ? 'above' : 'from'} ${min} ${exclusiveMin ? 'up ' : ''}to ${max}`);
  return value;
}

export function booleanOption(value: unknown, path: string): boolean {
  if (typeof value !== 'boolean') throw invalidOption(path, value, 'true or false');
  return value;
}

export function oneOfOption<T extends string>(value: unknown, path: string, allowed: readonly T[]): T {
  if (typeof value !== 'string' || !(allowed as readonly string[]).includes(value)) throw invalidOption(path, value, allowed.map((a) => JSON.stringify(a)).join(' | '));
  return value as T;
}

/** An array whose every item passes `item` (named `path[i]`); the result is a fresh frozen copy. */
export function arrayOption<T>(value: unknown, path: string, allowed: string, item: (v: unknown, at: string) => T): readonly T[] {
  if (!Array.isArray(value)) throw invalidOption(path, value, allowed);
  return Object.freeze(value.map((v: unknown, i) => item(v, `${path}[${i}]`)));
}

/** Milliseconds option: a whole number from `min` to a day (timers beyond that mean a mistake). */
export function msOption(value: unknown, path: string, min = 1, max = 86_400_000): number {
  return integerOption(value, path, min, max);
}
