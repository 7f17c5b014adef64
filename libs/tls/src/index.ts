export { loadTlsFiles, checkMaterial, checkFiles, type TlsFiles, type TlsMaterial } from './tls-files.js';
export { ReloadingTls, type ReloadingTlsOptions } from './reloading-tls.js';
export { createDevCertificates, type DevCertificates, type DevCertificateOptions, type DevIdentity } from './dev-certificates.js';
export { TlsError, TlsErrorCode } from './tls.errors.js';
