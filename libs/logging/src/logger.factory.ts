import { hostname } from 'node:os';
import { pino } from 'pino';
import pinoPretty from 'pino-pretty';
import { ALWAYS_REDACTED, resolveLoggingOptions, type LoggingOptions, type ResolvedLoggingOptions } from './logging.options.js';

/**
 * A plain pino logger with Meshway's conventions — `service` on every line, level labels, ISO time,
 * credentials redacted — for code outside Nest (registry, gateway hot path, tools).
 */
export function createLogger(options: LoggingOptions): pino.Logger {
  return loggerFrom(resolveLoggingOptions(options));
}

export function loggerFrom(options: ResolvedLoggingOptions): pino.Logger {
  const config: pino.LoggerOptions = {
    level: options.level,
    base: { service: options.service, pid: process.pid, hostname: hostname() },
    redact: { paths: [...ALWAYS_REDACTED, ...options.redact], censor: '[Redacted]' },
    formatters: { level: (label) => ({ level: label }) },
    timestamp: pino.stdTimeFunctions.isoTime,
  };
  if (options.pretty) return pino(config, prettyDestination(options.destination));
  return options.destination === undefined ? pino(config) : pino(config, options.destination);
}

/**
 * Pretty lines, formatted in-process and written synchronously: pretty output is for a developer's
 * terminal, where losing the last lines before a crash hurts most.
 */
function prettyDestination(destination: pino.DestinationStream | undefined): pino.DestinationStream {
  if (destination === undefined) return pinoPretty({ sync: true, colorize: process.stdout.isTTY });
  const prettify = pinoPretty.prettyFactory({ colorize: false });
  return {
    write: (line: string) => {
      destination.write(prettify(line));
    },
  };
}
