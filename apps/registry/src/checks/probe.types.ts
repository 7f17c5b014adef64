import type { CheckStatus } from '../model/records.js';

/** What one run of a check found. */
export interface ProbeResult {
  readonly status: CheckStatus;
  readonly output: string;
}

/** Runs a check once; rejects never (failures are critical results). `signal` aborts at the check's timeout. */
export type Probe = (target: ProbeTarget, signal: AbortSignal) => Promise<ProbeResult>;

export interface ProbeTarget {
  readonly url?: string;
  readonly method?: string;
  readonly header?: Readonly<Record<string, readonly string[]>>;
  readonly body?: string;
  readonly tlsSkipVerify?: boolean;
  readonly address?: string;
}
