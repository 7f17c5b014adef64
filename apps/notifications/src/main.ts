import 'reflect-metadata';
import { bootstrapService } from '@meshway/service';
import { AppModule } from './app.module.js';
import { serviceOptions } from './service.options.js';

try {
  await bootstrapService(AppModule, serviceOptions);
} catch (error) {
  // The logger may not exist yet (bad config, NATS down): say why on stderr and exit non-zero.
  const code = (error as { code?: unknown }).code;
  console.error(`notifications failed to start${typeof code === 'string' ? ` (${code})` : ''}: ${error instanceof Error ? error.message : String(error)}`);
  process.exit(1);
}
