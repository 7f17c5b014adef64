/** Options of `nx g @meshway/nx:lib` (see schema.json). */
export interface LibGeneratorSchema {
  readonly name: string;
  readonly kind?: 'core' | 'nest';
  /** For `kind: 'core'`: also a Nest adapter at `./nest`. */
  readonly nestAdapter?: boolean;
}

export const LIB_KINDS = ['core', 'nest'] as const;
export type LibKind = (typeof LIB_KINDS)[number];
