import { Controller, Get, Injectable, Module, type OnApplicationShutdown } from '@nestjs/common';
import { describe, expect, it } from 'vitest';
import { startNestApp } from './nest-app.starter.js';

@Injectable()
class ShutdownProbe implements OnApplicationShutdown {
  static calls = 0;
  onApplicationShutdown(): void {
    ShutdownProbe.calls += 1;
  }
}

@Controller('hello')
class HelloController {
  @Get()
  hello(): { hello: string } {
    return { hello: 'world' };
  }
}

@Module({ controllers: [HelloController], providers: [ShutdownProbe] })
class HelloModule {}

@Injectable()
class Broken {
  constructor() {
    throw new Error('boom at boot');
  }
}

@Module({ providers: [Broken] })
class BrokenModule {}

describe('startNestApp', () => {
  it('serves a controller on Fastify at 127.0.0.1 on a free port, and closes once', async () => {
    const started = await startNestApp(HelloModule, { logger: false });
    expect(started.url).toBe(`http://127.0.0.1:${started.port}`);
    const response = await fetch(`${started.url}/hello`);
    expect(await response.json()).toEqual({ hello: 'world' });
    expect(started.app.getHttpAdapter().getType()).toBe('fastify');
    await started.close();
    await started.close();
    expect(ShutdownProbe.calls).toBe(1);
    await expect(fetch(`${started.url}/hello`)).rejects.toThrow();
  });

  it('runs configure() before listening', async () => {
    const started = await startNestApp(HelloModule, { logger: false, configure: (app) => void app.setGlobalPrefix('api') });
    try {
      expect((await fetch(`${started.url}/api/hello`)).status).toBe(200);
    } finally {
      await started.close();
    }
  });

  it('rejects with the boot error instead of exiting the process', async () => {
    await expect(startNestApp(BrokenModule, { logger: false })).rejects.toThrow('boom at boot');
  });
});
