import { errorMessage } from '@meshway/errors';
import { Strategy } from 'passport-strategy';
import type { AuthOutcome, AuthResult, Identity } from '../index.js';

type Done = (error: unknown, user?: unknown) => void;

const asError = (error: unknown): Error => (error instanceof Error ? error : new Error(errorMessage(error)));

/**
 * A passport strategy that asks `check` (the Authenticator, or the gateway's identity headers) and reports to passport:
 * `success(identity)`, or `fail(refusal, status)` with our `AuthRefused` as the challenge, so the guard can answer with its
 * code, message and `WWW-Authenticate`. `verify` is the `validate()` hook `PassportStrategy` adds.
 */
export class CredentialStrategy extends Strategy {
  constructor(
    private readonly check: (request: unknown) => AuthOutcome,
    private readonly verify: (identity: Identity, done: Done) => void,
  ) {
    super();
  }

  override authenticate(request: unknown): void {
    const outcome = this.check(request);
    if (outcome instanceof Promise) {
      outcome.then(
        (result) => {
          this.settle(result);
        },
        (error: unknown) => {
          this.error(asError(error));
        },
      );
    } else {
      this.settle(outcome);
    }
  }

  private settle(result: AuthResult): void {
    if (!result.ok) {
      this.fail(result, result.status);
      return;
    }
    if (result.identity === undefined) {
      this.pass();
      return;
    }
    this.verify(result.identity, (error, user) => {
      if (error !== null && error !== undefined) this.error(asError(error));
      else this.success(user ?? result.identity);
    });
  }
}
