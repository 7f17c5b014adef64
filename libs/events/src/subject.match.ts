/** NATS subject rules, as far as events need them: validity, and whether a pattern (`*`, `>`) matches a subject. */

const TOKEN = /^[^\s.*>]+$/;

/** True for `a.b.c`; with `wildcards`, also for `a.*.c` and `a.>` (`>` only as the last token). */
export function isValidSubject(subject: unknown, { wildcards }: { wildcards: boolean }): subject is string {
  if (typeof subject !== 'string' || subject === '') return false;
  const tokens = subject.split('.');
  return tokens.every((token, i) => {
    if (TOKEN.test(token)) return true;
    if (!wildcards) return false;
    return token === '*' || (token === '>' && i === tokens.length - 1);
  });
}

/**
 * True when every subject `inner` matches is also matched by `outer` (both may hold `*` and `>`):
 * `orders.>` covers `orders.created` and `orders.*`; `orders.*` covers `orders.created` but not `orders.>`.
 * For a literal `inner` this is plain matching.
 */
export function subjectMatches(outer: string, inner: string): boolean {
  const want = outer.split('.');
  const have = inner.split('.');
  for (let i = 0; i < want.length; i++) {
    const token = want[i];
    if (token === '>') return have.length > i;
    const other = have[i];
    if (other === undefined || other === '>') return false;
    if (token !== '*' && token !== other) return false;
  }
  return want.length === have.length;
}

/** Stream and durable names: no dots, wildcards, whitespace or path separators (JetStream uses them in API subjects). */
export const NAME_PATTERN = /^[A-Za-z0-9_-]{1,128}$/;
