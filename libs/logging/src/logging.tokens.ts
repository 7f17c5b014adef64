/** The per-app logging setup (`{ logger, middleware }`) built from the module's options. */
export const LOGGING_SETUP = 'MESHWAY_LOGGING_SETUP';
