import { CodedError } from '../errors.js';

/** A DER/BER input the decoder refuses, with the byte offset where the problem was found. */
export class Asn1Error extends CodedError {
  override name = 'Asn1Error';
  /** Offset (from the start of the input) of the element or byte at fault. */ readonly offset: number;

  constructor(code: string, message: string, offset: number, spec?: string) {
    super(code, `${message} (at offset ${offset})`, spec);
    this.offset = offset;
  }
}
