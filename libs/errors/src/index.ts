export { MeshwayError, isMeshwayError, errorMessage } from './meshway.error.js';
export { showValue, invalidOptionMessage } from './show-value.js';
