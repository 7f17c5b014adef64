import { Injectable } from '@nestjs/common';
import type { CreateUser, User } from './user.schema.js';
import { emailTaken, userNotFound } from './users.errors.js';

/** The two users every fresh instance starts with. */
export const SEED_USERS: readonly User[] = [
  { id: '1', name: 'Ada Lovelace', email: 'ada@example.com' },
  { id: '2', name: 'Alan Turing', email: 'alan@example.com' },
];

/** Users in memory, per instance: a sample store (a real service would use a database). */
@Injectable()
export class UsersStore {
  private readonly users = new Map<string, User>(SEED_USERS.map((user) => [user.id, user]));
  private nextId = SEED_USERS.length + 1;

  list(): User[] {
    return [...this.users.values()];
  }

  /** The user with `id`; throws 404 USER_NOT_FOUND. */
  get(id: string): User {
    const user = this.users.get(id);
    if (!user) throw userNotFound(id);
    return user;
  }

  /** Adds a user with the next id; throws 409 USER_EMAIL_TAKEN when the email is in use. */
  create(input: CreateUser): User {
    const email = input.email.toLowerCase();
    if (this.list().some((user) => user.email === email)) throw emailTaken(email);
    const user: User = { id: String(this.nextId++), name: input.name, email };
    this.users.set(user.id, user);
    return user;
  }
}
