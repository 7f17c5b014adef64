import { Module } from '@nestjs/common';
import { MeshwayServiceModule } from '@meshway/service';
import { serviceOptions } from './service.options.js';
import { UsersController } from './users.controller.js';
import { UsersStore } from './users.store.js';

@Module({
  imports: [MeshwayServiceModule.forRoot(serviceOptions)],
  controllers: [UsersController],
  providers: [UsersStore],
})
export class AppModule {}
