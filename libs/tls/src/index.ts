export { loadTlsFiles, checkMaterial, type TlsFiles, type TlsMaterial } from './tls-files.js';
export { ReloadingTls, type ReloadingTlsOptions } from './reloading-tls.js';
export { createDevCertificates, type DevCertificates, type DevCertificateOptions } from './dev-certificates.js';
export { TlsError, TlsErrorCode } from './tls.errors.js';
