import { Module } from '@nestjs/common';
import { MeshwayServiceModule } from '@meshway/service';
import { EchoController } from './echo.controller.js';
import { serviceOptions } from './service.options.js';

@Module({
  imports: [MeshwayServiceModule.forRoot(serviceOptions)],
  controllers: [EchoController],
})
export class AppModule {}
