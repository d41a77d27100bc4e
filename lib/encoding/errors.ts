import { CodedError } from '../errors.js';

/** A text or binary input that is not in the encoding it claims (or seems) to be in. */
export class EncodingError extends CodedError {
  override name = 'EncodingError';
}
