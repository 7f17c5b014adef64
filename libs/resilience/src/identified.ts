/** Anything with an instance id: a `ServiceInstance` from `@meshway/discovery`, or the caller's own record. */
export interface Identified {
  readonly id: string;
}
