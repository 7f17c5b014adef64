import { Module } from '@nestjs/common';
import { MeshwayServiceModule } from '@meshway/service';
import { EchoHandler } from './echo.handler.js';
import { serviceOptions } from './service.options.js';

@Module({
  imports: [MeshwayServiceModule.forRoot(serviceOptions)],
  controllers: [EchoHandler],
})
export class AppModule {}
