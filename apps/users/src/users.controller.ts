import { Body, Controller, Get, HttpCode, Param, Post } from '@nestjs/common';
import { ZodValidationPipe } from '@meshway/service';
import { createUserSchema, type CreateUser, type User } from './user.schema.js';
import { UsersStore } from './users.store.js';

/** `/users` — reached through the gateway as `/api/users` (the gateway strips `/api`). */
@Controller('users')
export class UsersController {
  constructor(private readonly store: UsersStore) {}

  @Get()
  list(): User[] {
    return this.store.list();
  }

  /** 404 `USER_NOT_FOUND` for an unknown id. */
  @Get(':id')
  get(@Param('id') id: string): User {
    return this.store.get(id);
  }

  /** 201 with the new user; 400 `VALIDATION_FAILED` with field errors; 409 `USER_EMAIL_TAKEN`. */
  @Post()
  @HttpCode(201)
  create(@Body(new ZodValidationPipe(createUserSchema)) input: CreateUser): User {
    return this.store.create(input);
  }
}
