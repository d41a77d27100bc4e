import { CodedError } from '../errors.js';

/** A key the lab cannot read, make or use as asked. */
export class KeyError extends CodedError {
  override name = 'KeyError';
}
