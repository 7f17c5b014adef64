import { resolve } from 'node:path';

/** Absolute path of the monorepo root (this file sits at libs/testing/src or libs/testing/dist). */
export const REPO_ROOT: string = resolve(import.meta.dirname, '..', '..', '..');
