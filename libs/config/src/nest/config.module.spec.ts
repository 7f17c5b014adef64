import 'reflect-metadata';
import { Injectable, Module, type NestApplicationOptions } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { describe, expect, it } from 'vitest';
import { ConfigError, serviceSchema, type ServiceConfig } from '../index.js';
import { ConfigModule, InjectConfig, MESHWAY_CONFIG } from './index.js';

@Injectable()
class Listener {
  constructor(@InjectConfig() readonly config: ServiceConfig) {}
}

@Module({ providers: [Listener] })
class FeatureModule {}

function appModule(env: Record<string, string>, isGlobal: boolean) {
  @Module({ imports: [ConfigModule.forRoot({ schema: serviceSchema, env, isGlobal }), FeatureModule] })
  class AppModule {}
  return AppModule;
}

// Nest declares its options as a class; Readonly<> states that only the literal's fields matter.
const quiet: Readonly<NestApplicationOptions> = { logger: false, abortOnError: false };

async function boot(env: Record<string, string>, isGlobal = true) {
  return NestFactory.createApplicationContext(appModule(env, isGlobal), quiet);
}

describe('ConfigModule', () => {
  it('provides the parsed configuration to @InjectConfig() in any module when global', async () => {
    const app = await boot({ PORT: '4321', MESHWAY_TRANSPORT: 'http' });
    try {
      expect(app.get(Listener).config).toMatchObject({ PORT: 4321, MESHWAY_TRANSPORT: 'http', HOST: '127.0.0.1' });
      expect(app.get(MESHWAY_CONFIG)).toBe(app.get(Listener).config);
    } finally {
      await app.close();
    }
  });

  it('is visible only to the importing module unless isGlobal is set', async () => {
    await expect(boot({}, false)).rejects.toThrow(/MESHWAY_CONFIG/);
  });

  it('fails the boot with the ConfigError message when a value is bad', async () => {
    const booting = boot({ PORT: 'abc' });
    await expect(booting).rejects.toBeInstanceOf(ConfigError);
    await expect(booting).rejects.toThrow('Invalid configuration: PORT="abc" is not allowed: expected an integer from 0 to 65535');
  });

  it('loads asynchronously from options built by a factory', async () => {
    @Module({
      imports: [ConfigModule.forRootAsync({ useFactory: () => ({ schema: serviceSchema, env: { HOST: '0.0.0.0' } }), isGlobal: true }), FeatureModule],
    })
    class AsyncModule {}
    const app = await NestFactory.createApplicationContext(AsyncModule, quiet);
    try {
      expect(app.get(Listener).config.HOST).toBe('0.0.0.0');
    } finally {
      await app.close();
    }
  });
});
