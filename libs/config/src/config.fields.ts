import { z } from 'zod';

const INVALID = Symbol('invalid');
type Invalid = typeof INVALID;

/** Log levels every Meshway process understands (pino's, plus `silent`). */
export const LOG_LEVELS = ['trace', 'debug', 'info', 'warn', 'error', 'fatal', 'silent'] as const;
export type LogLevel = (typeof LOG_LEVELS)[number];

/**
 * A setting read from an env string or a file value. `expected` becomes the issue text, so a bad value
 * reads `X="abc" is not allowed: expected <expected>`. A missing value is an issue unless a default or
 * `.optional()` wraps the field.
 */
function field<T>(expected: string, parse: (raw: unknown) => T | Invalid) {
  return z
    .unknown()
    .transform((raw, ctx): T => {
      const value = raw === undefined ? INVALID : parse(raw);
      if (value === INVALID) {
        ctx.issues.push({ code: 'custom', message: expected, input: raw });
        return z.NEVER;
      }
      return value;
    })
    .describe(expected);
}

const scalar = (raw: unknown): string | Invalid =>
  typeof raw === 'string' ? raw.trim() : typeof raw === 'number' || typeof raw === 'boolean' ? String(raw) : INVALID;

function parseInteger(raw: unknown, min: number, max: number): number | Invalid {
  const text = scalar(raw);
  if (text === INVALID || !/^-?\d+$/.test(text)) return INVALID;
  const value = Number(text);
  return Number.isSafeInteger(value) && value >= min && value <= max ? value : INVALID;
}

function parseUrl(raw: unknown, protocols: readonly string[] | undefined): string | Invalid {
  const text = scalar(raw);
  if (text === INVALID || !/^[a-z][a-z0-9+.-]*:\/\/[^/]/i.test(text) || !URL.canParse(text)) return INVALID;
  const scheme = new URL(text).protocol.slice(0, -1);
  return protocols === undefined || protocols.includes(scheme) ? text : INVALID;
}

function urlExpectation(example: string, protocols: readonly string[] | undefined, list = false): string {
  const noun = list ? 'a comma-separated list of URLs' : protocols === undefined ? 'an absolute URL' : 'a URL';
  const scheme = protocols === undefined ? (list ? ' (absolute)' : '') : ` with scheme ${protocols.join(', ')}`;
  return `${noun}${scheme}, e.g. ${example}`;
}

function integerExpectation(min: number, max: number): string {
  if (Number.isFinite(min) && Number.isFinite(max)) return `an integer from ${min} to ${max}`;
  if (Number.isFinite(min)) return `an integer of at least ${min}`;
  if (Number.isFinite(max)) return `an integer of at most ${max}`;
  return 'an integer';
}

const TRUE = new Set(['true', '1', 'yes', 'on']);
const FALSE = new Set(['false', '0', 'no', 'off']);

/** Options of {@link fields.int}. */
/** major.minor.patch, optional pre-release and build (semver.org §2, §9, §10). */
const SEMVER = /^(0|[1-9]\d*)\.(0|[1-9]\d*)\.(0|[1-9]\d*)(-[0-9A-Za-z-]+(\.[0-9A-Za-z-]+)*)?(\+[0-9A-Za-z-]+(\.[0-9A-Za-z-]+)*)?$/;

export interface IntFieldOptions {
  min?: number;
  max?: number;
  default?: number;
}

/**
 * Field builders for configuration schemas. Each accepts the env-var string form and the native
 * JSON/YAML form (`8080` or `"8080"`), and fails with a message that says what is allowed.
 */
export const fields = {
  /** A TCP port, 0–65535 (0 = any free port). */
  port(defaultPort: number) {
    return field(integerExpectation(0, 65_535), (raw) => parseInteger(raw, 0, 65_535)).default(defaultPort);
  },

  /** An absolute URL such as `http://127.0.0.1:8500`; required when no default is given. */
  url(defaultUrl?: string, protocols?: readonly string[]) {
    const example = defaultUrl ?? `${protocols?.[0] ?? 'http'}://127.0.0.1:8080`;
    const schema = field(urlExpectation(example, protocols), (raw) => parseUrl(raw, protocols));
    return defaultUrl === undefined ? schema : schema.default(defaultUrl);
  },

  /** A comma-separated list of URLs (or a JSON/YAML array), e.g. several NATS servers; gives `string[]`. */
  urlList(defaultUrls: string | readonly string[], protocols?: readonly string[]) {
    const defaults = typeof defaultUrls === 'string' ? defaultUrls.split(',').map((u) => u.trim()) : [...defaultUrls];
    return field(urlExpectation(defaults.join(','), protocols, true), (raw): string[] | Invalid => {
      const items = Array.isArray(raw) ? raw : typeof raw === 'string' ? raw.split(',') : [INVALID];
      const urls = items.map((item: unknown) => parseUrl(item, protocols));
      return urls.length > 0 && urls.every((u): u is string => u !== INVALID) ? urls : INVALID;
    }).default(defaults);
  },

  /** A log level: trace, debug, info, warn, error, fatal or silent; `info` unless set. */
  logLevel(defaultLevel: LogLevel = 'info') {
    return fields.oneOf(LOG_LEVELS, defaultLevel);
  },

  /** One of a fixed set of words (matched case-insensitively, returned as written in `values`). */
  oneOf<const V extends readonly [string, ...string[]]>(values: V, defaultValue: V[number]) {
    return field(`one of ${values.join(', ')}`, (raw): V[number] | Invalid => {
      const text = scalar(raw);
      if (text === INVALID) return INVALID;
      return values.find((v) => v.toLowerCase() === text.toLowerCase()) ?? INVALID;
      // zod's default() types its argument as Awaited<output>, which TS cannot reduce for a generic V.
    }).default(defaultValue as never);
  },

  /** A boolean: true/false, 1/0, yes/no, on/off (any case). */
  bool(defaultValue: boolean) {
    return field('a boolean: true/false, 1/0, yes/no or on/off', (raw) => {
      const text = scalar(raw);
      if (text === INVALID) return INVALID;
      const word = text.toLowerCase();
      return TRUE.has(word) ? true : FALSE.has(word) ? false : INVALID;
    }).default(defaultValue);
  },

  /** An integer within optional bounds; required when no default is given. */
  int(options: IntFieldOptions = {}) {
    const min = options.min ?? -Infinity;
    const max = options.max ?? Infinity;
    const schema = field(integerExpectation(min, max), (raw) => parseInteger(raw, min, max));
    return options.default === undefined ? schema : schema.default(options.default);
  },

  /** Free text (numbers and booleans in a file are read as text); required when no default is given. */
  text(defaultValue?: string) {
    const schema = field('a text value', scalar);
    return defaultValue === undefined ? schema : schema.default(defaultValue);
  },

  /** A semantic version (`2.0.0`, `2.1.0-rc.1`) that may be absent: `string | undefined`. */
  optionalSemver() {
    return field('a semantic version such as 2.0.0 or 2.1.0-rc.1', (raw) => {
      const text = scalar(raw);
      return text !== INVALID && SEMVER.test(text) ? text : INVALID;
    }).optional();
  },

  /** Free text that may be absent (e.g. a token): `string | undefined`. */
  optionalText() {
    return field('a text value', scalar).optional();
  },
};
