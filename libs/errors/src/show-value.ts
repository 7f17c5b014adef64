/**
 * How error messages show a value someone passed: numbers and strings as written (strings quoted),
 * `undefined` as "nothing", anything else by its type — never a whole object (it may hold secrets).
 */
export function showValue(given: unknown): string {
  if (given === undefined) return 'nothing';
  if (given === null) return 'null';
  if (typeof given === 'number' || typeof given === 'boolean') return String(given);
  if (typeof given === 'string') return JSON.stringify(given.length > 200 ? `${given.slice(0, 200)}…` : given);
  return Array.isArray(given) ? 'an array' : typeof given;
}

/** `Invalid <what> <option>: got <value>; allowed: <allowed>` — the one shape of every boot-time option error. */
export function invalidOptionMessage(what: string, option: string, given: unknown, allowed: string): string {
  return `Invalid ${what} ${option}: got ${showValue(given)}; allowed: ${allowed}`;
}
