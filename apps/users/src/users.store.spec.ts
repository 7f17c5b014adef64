import { ApiError } from '@meshway/service';
import { describe, expect, it } from 'vitest';
import { SEED_USERS, UsersStore } from './users.store.js';

describe('UsersStore', () => {
  it('starts with the two seed users', () => {
    expect(new UsersStore().list()).toEqual(SEED_USERS);
    expect(SEED_USERS).toHaveLength(2);
  });

  it('creates users with the next id and a lower-case email, and finds them by id', () => {
    const store = new UsersStore();
    const grace = store.create({ name: 'Grace Hopper', email: 'Grace@Example.com' });
    expect(grace).toEqual({ id: '3', name: 'Grace Hopper', email: 'grace@example.com' });
    expect(store.get('3')).toEqual(grace);
    expect(store.create({ name: 'Edsger Dijkstra', email: 'ewd@example.com' }).id).toBe('4');
  });

  it('throws 404 USER_NOT_FOUND for an unknown id', () => {
    expect(() => new UsersStore().get('99')).toThrow(new ApiError(404, 'USER_NOT_FOUND', 'No user with id "99"'));
  });

  it('throws 409 USER_EMAIL_TAKEN for an email in use, whatever its case', () => {
    const store = new UsersStore();
    expect(() => store.create({ name: 'Ada again', email: 'ADA@example.com' })).toThrow(expect.objectContaining({ status: 409, code: 'USER_EMAIL_TAKEN' }));
    expect(store.list()).toHaveLength(2);
  });
});
