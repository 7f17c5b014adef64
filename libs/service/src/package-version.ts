import { existsSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { ServiceError, ServiceErrorCode } from './service.errors.js';

/**
 * The `version` of the nearest package.json above `fromUrl` (pass `import.meta.url`), so a service
 * reports the version it was released as, from `src/` and from `dist/` alike.
 */
export function packageVersion(fromUrl: string): string {
  let dir = dirname(fileURLToPath(fromUrl));
  for (;;) {
    const file = join(dir, 'package.json');
    if (existsSync(file)) {
      const version = (JSON.parse(readFileSync(file, 'utf8')) as { version?: unknown }).version;
      if (typeof version === 'string' && version !== '') return version;
      throw new ServiceError(ServiceErrorCode.InvalidOptions, `${file} has no "version" string`);
    }
    const parent = dirname(dir);
    if (parent === dir) throw new ServiceError(ServiceErrorCode.InvalidOptions, `no package.json above ${fromUrl}`);
    dir = parent;
  }
}
