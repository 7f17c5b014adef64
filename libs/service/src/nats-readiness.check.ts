import type { Observable } from 'rxjs';
import type { CheckResult, ReadinessCheck } from './health.checks.js';

/** A readiness check that is up while the NATS microservice reports `connected`, and the subscription to stop watching. */
export function natsReadinessCheck(status: Observable<string>, servers: readonly string[]): { check: ReadinessCheck; stop(): void } {
  let current = 'connecting';
  const subscription = status.subscribe((next) => {
    current = next;
  });
  const where = servers.join(',');
  return {
    check: (): CheckResult =>
      current === 'connected' ? { status: 'up', message: `connected to ${where}` } : { status: 'down', message: `NATS ${current} (${where})` },
    stop: () => {
      subscription.unsubscribe();
    },
  };
}
