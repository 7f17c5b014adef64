/**
 * Go's `time.Duration` text form, which Consul uses for every duration field ("10s", "1m30s", "250ms").
 * A JSON number is nanoseconds, as Consul's decoder reads it.
 */
const UNIT_MS: Readonly<Record<string, number>> = { ns: 1e-6, us: 1e-3, µs: 1e-3, ms: 1, s: 1_000, m: 60_000, h: 3_600_000 };
const PART = /(\d+(?:\.\d*)?|\.\d+)(ns|us|µs|ms|s|m|h)/y;

/** Milliseconds in `text` ("1m30s" → 90 000), or undefined when it is not a Go duration. */
export function parseGoDuration(text: string): number | undefined {
  if (text === '0') return 0;
  const sign = text.startsWith('-') ? -1 : 1;
  const body = text.replace(/^[-+]/, '');
  if (body === '') return undefined;
  let total = 0;
  PART.lastIndex = 0;
  while (PART.lastIndex < body.length) {
    const start = PART.lastIndex;
    const match = PART.exec(body);
    if (!match || match.index !== start) return undefined;
    total += Number(match[1]) * (UNIT_MS[match[2] ?? ''] ?? Number.NaN);
  }
  return Number.isFinite(total) ? sign * total : undefined;
}

/** A JSON duration field: a Go duration string, or a number of nanoseconds. */
export function durationFromJson(value: unknown): number | undefined {
  if (typeof value === 'number' && Number.isFinite(value)) return value / 1e6;
  if (typeof value === 'string') return parseGoDuration(value.trim());
  return undefined;
}

/** Formats milliseconds as Go's `Duration.String()` does ("1m30s", "250ms", "0s"). */
export function formatGoDuration(ms: number): string {
  if (ms === 0) return '0s';
  const sign = ms < 0 ? '-' : '';
  const abs = Math.abs(ms);
  if (abs < 1) return `${sign}${trim(abs * 1_000)}µs`;
  if (abs < 1_000) return `${sign}${trim(abs)}ms`;
  const hours = Math.floor(abs / 3_600_000);
  const minutes = Math.floor((abs % 3_600_000) / 60_000);
  const seconds = (abs % 60_000) / 1_000;
  if (hours > 0) return `${sign}${hours}h${minutes}m${trim(seconds)}s`;
  if (minutes > 0) return `${sign}${minutes}m${trim(seconds)}s`;
  return `${sign}${trim(seconds)}s`;
}

function trim(value: number): string {
  return String(Number(value.toFixed(6)));
}
