import { MeshwayError } from '@meshway/errors';

/** Stable error codes of `@meshway/dev`. Callers switch on `code`, never on the message. */
export const DevErrorCode = {
  /** A command-line flag is unknown, malformed or out of range. Exit 2. */
  BadArgs: 'MESHWAY_DEV_BAD_ARGS',
  /** `--only` or `--replicas` names a component that is not in the apps folder (or cannot start). Exit 2. */
  UnknownComponent: 'MESHWAY_DEV_UNKNOWN_COMPONENT',
  /** A platform environment variable (REGISTRY_PORT, NATS_URL, MESHWAY_TRANSPORT, …) has a bad value. Exit 2. */
  BadEnv: 'MESHWAY_DEV_BAD_ENV',
  /** An option passed to `startPlatform()` is invalid. Exit 2. */
  BadOptions: 'MESHWAY_DEV_BAD_OPTIONS',
  /** An app's package.json `"meshway"` field is malformed, or two apps claim the registry/gateway role. Exit 1. */
  BadManifest: 'MESHWAY_DEV_BAD_MANIFEST',
  /** No app in the apps folder can start (none has a `"meshway"` field and its entry file). Exit 1. */
  NothingToStart: 'MESHWAY_DEV_NOTHING_TO_START',
  /** A fixed port (registry, gateway, gateway admin) is already taken by another process. Exit 1. */
  PortInUse: 'MESHWAY_DEV_PORT_IN_USE',
  /** NATS is required (a NATS service is selected, or MESHWAY_TRANSPORT=nats) but not reachable. Exit 1. */
  NatsUnreachable: 'MESHWAY_DEV_NATS_UNREACHABLE',
  /** An app's TypeScript (or a workspace package it imports) does not compile, or `.swcrc` is unreadable. Exit 1. */
  CompileFailed: 'MESHWAY_DEV_COMPILE_FAILED',
  /** A component exited before it became healthy. Exit 1. */
  ExitedDuringStart: 'MESHWAY_DEV_EXITED_DURING_START',
  /** A component did not answer its health URL with 2xx within the timeout. Exit 1. */
  HealthTimeout: 'MESHWAY_DEV_HEALTH_TIMEOUT',
  /** A component exited on its own after the platform was ready (`npm start` reports it and stops everything). Exit 1. */
  ChildDied: 'MESHWAY_DEV_CHILD_DIED',
  /** Start was interrupted (Ctrl-C, or the caller's AbortSignal). Exit 0: the user asked for it. */
  Interrupted: 'MESHWAY_DEV_INTERRUPTED',
} as const;

export type DevErrorCode = (typeof DevErrorCode)[keyof typeof DevErrorCode];

const EXIT_CODES: Record<DevErrorCode, number> = {
  MESHWAY_DEV_BAD_ARGS: 2,
  MESHWAY_DEV_UNKNOWN_COMPONENT: 2,
  MESHWAY_DEV_BAD_ENV: 2,
  MESHWAY_DEV_BAD_OPTIONS: 2,
  MESHWAY_DEV_BAD_MANIFEST: 1,
  MESHWAY_DEV_NOTHING_TO_START: 1,
  MESHWAY_DEV_PORT_IN_USE: 1,
  MESHWAY_DEV_NATS_UNREACHABLE: 1,
  MESHWAY_DEV_COMPILE_FAILED: 1,
  MESHWAY_DEV_EXITED_DURING_START: 1,
  MESHWAY_DEV_HEALTH_TIMEOUT: 1,
  MESHWAY_DEV_CHILD_DIED: 1,
  MESHWAY_DEV_INTERRUPTED: 0,
};

/** Extra facts about a failed component, so the CLI can show what it said last. */
export interface DevErrorDetails {
  /** Instance name, e.g. `users#2`. */
  readonly component?: string;
  /** Its last log lines (at most 20), oldest first. */
  readonly lastLines?: readonly string[];
}

export class DevError extends MeshwayError<DevErrorCode> {
  override readonly name = 'DevError';
  /** The process exit code `npm start` uses for this error. */
  readonly exitCode: number;

  constructor(
    code: DevErrorCode,
    message: string,
    readonly details: DevErrorDetails = {},
    options?: ErrorOptions,
  ) {
    super(code, message, options);
    this.exitCode = EXIT_CODES[code];
  }
}
