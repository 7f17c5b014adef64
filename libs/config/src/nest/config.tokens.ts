/** Injection token of the parsed configuration object (the output of the module's schema). */
export const MESHWAY_CONFIG = 'MESHWAY_CONFIG';
