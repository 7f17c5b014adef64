/**
 * Codes a service answers its clients with, in the body `{ error: { code, message, details? } }`.
 * Services add their own (`USER_NOT_FOUND`); these are the ones every service shares.
 */
export const ApiErrorCode = {
  /** The request body, params or query failed validation (400); `details` lists the fields. */
  ValidationFailed: 'VALIDATION_FAILED',
  /** The request could not be read (malformed JSON, wrong content type) (400). */
  BadRequest: 'BAD_REQUEST',
  /** No route or resource matches (404). */
  NotFound: 'NOT_FOUND',
  /** The method is not allowed here, or another 4xx without a more specific code. */
  RequestRejected: 'REQUEST_REJECTED',
  /** The request body is larger than the service accepts (413). */
  PayloadTooLarge: 'PAYLOAD_TOO_LARGE',
  /** No `@MessagePattern` handler answers the pattern (404): `POST /_meshway/rpc/:pattern` of a NATS service in HTTP mode. */
  UnknownPattern: 'UNKNOWN_PATTERN',
  /** A bug: an error the service did not expect (500). Never used for bad input. */
  Internal: 'INTERNAL_ERROR',
} as const;

/** One field that failed validation; `field` is a dotted path (`items.0.qty`), empty for the whole input. */
export interface FieldError {
  readonly field: string;
  readonly message: string;
}

/** The JSON every error response carries. */
export interface ErrorBody {
  readonly error: {
    readonly code: string;
    readonly message: string;
    readonly details?: readonly FieldError[];
    readonly requestId?: string;
  };
}

/**
 * An error a handler throws to answer with a status and a stable code, over HTTP and NATS alike:
 * `throw new ApiError(404, 'USER_NOT_FOUND', 'No user with id "7"')`.
 * `ApiErrorFilter` (installed by `MeshwayServiceModule`) turns it into the response.
 */
export class ApiError extends Error {
  override readonly name = 'ApiError';

  constructor(
    /** HTTP status, 400–599. */
    readonly status: number,
    readonly code: string,
    message: string,
    readonly details?: readonly FieldError[],
  ) {
    super(message);
  }

  /** The response body for this error. */
  toBody(requestId?: string): ErrorBody {
    return {
      error: {
        code: this.code,
        message: this.message,
        ...(this.details ? { details: this.details } : {}),
        ...(requestId ? { requestId } : {}),
      },
    };
  }
}
