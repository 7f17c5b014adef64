/** How error messages show a value someone passed: numbers and strings as written, anything else by its type. */
export function showValue(given: unknown): string {
  if (typeof given === 'number') return String(given);
  return typeof given === 'string' ? JSON.stringify(given) : given === null ? 'null' : typeof given;
}
