import { Inject } from '@nestjs/common';
import { MESHWAY_CONFIG } from './config.tokens.js';

/** Injects the configuration parsed by `ConfigModule`: `constructor(@InjectConfig() config: ServiceConfig)`. */
export const InjectConfig = (): PropertyDecorator & ParameterDecorator => Inject(MESHWAY_CONFIG);
