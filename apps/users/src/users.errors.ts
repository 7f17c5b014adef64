import { ApiError } from '@meshway/service';

/** Codes this service answers with, besides the shared ones (`VALIDATION_FAILED`, `NOT_FOUND`, …). */
export const UsersErrorCode = {
  /** No user has this id (404). */
  UserNotFound: 'USER_NOT_FOUND',
  /** Another user already has this email (409). */
  EmailTaken: 'USER_EMAIL_TAKEN',
} as const;

export const userNotFound = (id: string): ApiError => new ApiError(404, UsersErrorCode.UserNotFound, `No user with id "${id}"`);

export const emailTaken = (email: string): ApiError => new ApiError(409, UsersErrorCode.EmailTaken, `A user with email "${email}" already exists`);
