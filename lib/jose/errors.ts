import { CodedError } from '../errors.js';

/** A JOSE object the lab was asked to make but cannot (unknown alg, key unfit for it …). */
export class JoseMakeError extends CodedError {
  override name = 'JoseMakeError';
}
