import { z } from 'zod';

/** Body of `POST /users`. Names are trimmed; emails are compared case-insensitively. */
export const createUserSchema = z.object({
  name: z.string().trim().min(1).max(100),
  email: z.email().max(254),
});

export type CreateUser = z.infer<typeof createUserSchema>;

export interface User {
  readonly id: string;
  readonly name: string;
  readonly email: string;
}
