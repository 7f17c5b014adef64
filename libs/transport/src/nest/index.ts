export { TransportModule } from './transport.module.js';
export { type TransportModuleOptions } from './transport-module.options.js';
export { TRANSPORT_MODULE_OPTIONS, MESH_CLIENT_TLS } from './transport.tokens.js';
export { nestTransportLogger } from './transport.logger.adapter.js';
