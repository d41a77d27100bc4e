import type { Command } from '../command.js';
import { jwtInspect } from './jwt.js';
import { asn1Command } from './asn1.js';
import { b64Command } from './b64.js';
import { certCommand, certIssueCommand, certSelfSignedCommand } from './cert.js';
import { joseCommand, joseSignCommand } from './jose.js';
import { jwkCommand, jwkFromPemCommand, jwkGenCommand } from './jwk.js';
import { keyCommand, keyGenCommand, keyPubCommand, keyShowCommand } from './key.js';
import { x509Command } from './x509.js';
import { server } from './server.js';
import { gradeCommand } from './grade.js';
import { checkCommand } from './check.js';
import { gradebookCommand } from './gradebook.js';
import { start } from './start.js';

/** Every subcommand, in the order `authlab --help` lists them. */
export const commands: readonly Command[] = [
  jwtInspect,
  keyCommand,
  keyGenCommand,
  keyShowCommand,
  keyPubCommand,
  jwkCommand,
  jwkGenCommand,
  jwkFromPemCommand,
  joseCommand,
  joseSignCommand,
  certCommand,
  certSelfSignedCommand,
  certIssueCommand,
  x509Command,
  asn1Command,
  b64Command,
  server,
  start,
  checkCommand,
  gradeCommand,
  gradebookCommand,
];
