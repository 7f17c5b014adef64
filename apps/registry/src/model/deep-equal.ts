/** Structural equality of JSON-like values (records), ignoring key order. */
export function deepEqual(a: unknown, b: unknown): boolean {
  if (a === b) return true;
  if (typeof a !== 'object' || typeof b !== 'object' || a === null || b === null) return false;
  if (Array.isArray(a) !== Array.isArray(b)) return false;
  if (Array.isArray(a) && Array.isArray(b)) return a.length === b.length && a.every((item, i) => deepEqual(item, b[i]));
  const left = a as Record<string, unknown>;
  const right = b as Record<string, unknown>;
  const keys = Object.keys(left).filter((k) => left[k] !== undefined);
  if (keys.length !== Object.keys(right).filter((k) => right[k] !== undefined).length) return false;
  return keys.every((k) => deepEqual(left[k], right[k]));
}

/** Whether two indexed records hold the same content (their indexes aside). */
export function sameContent<T extends { CreateIndex: number; ModifyIndex: number }>(a: T, b: Omit<T, 'CreateIndex' | 'ModifyIndex'>): boolean {
  const { CreateIndex: _c, ModifyIndex: _m, ...content } = a;
  return deepEqual(content, b);
}
