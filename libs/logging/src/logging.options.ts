import type pino from 'pino';
import { LoggingError, LoggingErrorCode } from './logging.errors.js';

/** Options of `createLogger` and `LoggingModule.forRoot`. */
export interface LoggingOptions {
  /** Name of the process (`gateway`, `registry`, `billing`…); every line carries it as `service`. */
  service: string;
  /** Minimum level: trace, debug, info, warn, error, fatal or silent. Default: `LOG_LEVEL` env var, else `info`. */
  level?: string;
  /**
   * Human-readable lines (pino-pretty) instead of JSON. Default: the `LOG_PRETTY` env var (true/false/1/0),
   * else whether stdout is a TTY — so a dev orchestrator piping its children's output can still ask for pretty lines.
   */
  pretty?: boolean;
  /** Extra paths to redact, in pino's syntax (`body.password`, `req.headers["x-secret"]`). Always redacted: see ALWAYS_REDACTED. */
  redact?: string[];
  /** Where lines go (default stdout); tests pass an in-memory stream. */
  destination?: pino.DestinationStream;
  /** Log one line per finished HTTP request (LoggingModule only). Default true. */
  autoLogging?: boolean;
  /** Request paths (without query) whose finished-request line is skipped, e.g. health probes. Default `['/health']`. */
  quietPaths?: string[];
  /**
   * Logging context for microservice (NATS) message handlers too: `requestId`/`traceId`/`spanId` from the
   * message headers and one line per handled message (LoggingModule only; needs `inheritAppConfig: true`
   * on `connectMicroservice`). Default true.
   */
  microservice?: boolean;
}

/** Paths redacted on every logger: credentials in request and response headers. */
export const ALWAYS_REDACTED: readonly string[] = [
  'req.headers.authorization',
  'req.headers.cookie',
  'req.headers["x-api-key"]',
  'req.headers["proxy-authorization"]',
  'res.headers["set-cookie"]',
];

export const LOG_LEVELS = ['trace', 'debug', 'info', 'warn', 'error', 'fatal', 'silent'] as const;

export interface ResolvedLoggingOptions {
  service: string;
  level: (typeof LOG_LEVELS)[number];
  pretty: boolean;
  redact: string[];
  destination: pino.DestinationStream | undefined;
  autoLogging: boolean;
  quietPaths: ReadonlySet<string>;
  microservice: boolean;
}

function invalid(option: string, given: unknown, allowed: string): LoggingError {
  return new LoggingError(LoggingErrorCode.InvalidOptions, `Invalid logging option ${option}=${JSON.stringify(given)}: expected ${allowed}`);
}

function prettyFromEnv(): boolean | undefined {
  const value = process.env['LOG_PRETTY']?.trim().toLowerCase();
  if (value === undefined || value === '') return undefined;
  if (value === 'true' || value === '1') return true;
  if (value === 'false' || value === '0') return false;
  throw invalid('pretty (from LOG_PRETTY)', process.env['LOG_PRETTY'], 'true, false, 1 or 0');
}

const isStringArray = (value: unknown): value is string[] => Array.isArray(value) && value.every((v) => typeof v === 'string');

/** Applies the defaults and validates; throws `MESHWAY_LOGGING_INVALID_OPTIONS` naming the option. */
export function resolveLoggingOptions(options: LoggingOptions): ResolvedLoggingOptions {
  const { service, redact = [], quietPaths = ['/health'] } = options;
  if (typeof service !== 'string' || service.trim() === '') throw invalid('service', service, 'a non-empty name');
  const level = options.level ?? process.env['LOG_LEVEL'] ?? 'info';
  const known = LOG_LEVELS.find((l) => l === level.toLowerCase());
  if (known === undefined) throw invalid(options.level === undefined ? 'level (from LOG_LEVEL)' : 'level', level, `one of ${LOG_LEVELS.join(', ')}`);
  if (!isStringArray(redact)) throw invalid('redact', redact, 'a list of paths such as body.password');
  if (!isStringArray(quietPaths)) throw invalid('quietPaths', quietPaths, 'a list of paths such as /health');
  return {
    service,
    level: known,
    pretty: options.pretty ?? prettyFromEnv() ?? process.stdout.isTTY,
    redact,
    destination: options.destination,
    autoLogging: options.autoLogging ?? true,
    quietPaths: new Set(quietPaths),
    microservice: options.microservice ?? true,
  };
}
