export { type HttpRequestEnvelope, type HttpReplyEnvelope, isHttpReplyEnvelope, reply } from './http-envelope.js';
export { MESH_HEADERS } from './mesh-headers.js';
export { TransportError, TransportErrorCode } from './transport.errors.js';
