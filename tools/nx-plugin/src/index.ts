export { serviceGenerator, normalizeServiceOptions, type NormalizedServiceOptions } from './generators/service/service.generator.js';
export { type ServiceGeneratorSchema, SERVICE_TRANSPORTS } from './generators/service/service.schema.js';
export { libGenerator, normalizeLibOptions, type NormalizedLibOptions } from './generators/lib/lib.generator.js';
export { type LibGeneratorSchema, LIB_KINDS } from './generators/lib/lib.schema.js';
export { PROJECT_NAME_PATTERN } from './generators/project-name.validation.js';
