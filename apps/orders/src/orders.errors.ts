import { ApiError } from '@meshway/service';

/** Codes this service answers with, besides the shared ones (`VALIDATION_FAILED`, `BAD_REQUEST`, …). */
export const OrdersErrorCode = {
  /** No order has this id (404). */
  OrderNotFound: 'ORDER_NOT_FOUND',
  /** The order names a user the users service does not know (422). */
  UnknownUser: 'USER_NOT_FOUND',
} as const;

export const orderNotFound = (id: string): ApiError => new ApiError(404, OrdersErrorCode.OrderNotFound, `No order with id "${id}"`);

export const unknownUser = (userId: string): ApiError => new ApiError(422, OrdersErrorCode.UnknownUser, `Cannot create an order for unknown user "${userId}"`);
