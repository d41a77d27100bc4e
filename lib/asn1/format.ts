/** Renders an ASN.1 tree for people (aligned text) and for programs (plain JSON). */
import type { Asn1Node, Asn1Value } from './types.js';
import { walkAsn1 } from './decode.js';
import { describeValue } from './values.js';

type Plain =
  'offset' | 'depth' | 'headerLength' | 'length' | 'tagClass' | 'tagNumber' | 'constructed' | 'type' | 'indefiniteLength' | 'encapsulates';
export interface Asn1NodeJson extends Pick<Asn1Node, Plain> {
  /** The value as the text dump shows it, or null when the element has none (SEQUENCE, NULL …). */ value: string | null;
  /** The decoded value with its parts (hex and decimal, OID and name …), or null. */ decoded: Asn1Value | null;
  name: string | null;
  children: Asn1NodeJson[];
}

export function asn1ToJson(node: Asn1Node): Asn1NodeJson {
  const { offset, depth, headerLength, length, tagClass, tagNumber, constructed, type, indefiniteLength, encapsulates } = node;
  const value = node.value && node.value.kind !== 'null' ? describeValue(node.value) : null;
  return {
    offset, depth, headerLength, length, tagClass, tagNumber, constructed, type, value, decoded: node.value ?? null,
    name: node.name ?? null, indefiniteLength, encapsulates, children: node.children.map(asn1ToJson),
  };
}

export interface FormatAsn1Options {
  /** Longest value shown before it is cut with "…" (default 48 characters). */ maxValueLength?: number;
}

/** One line per node: the "offset:d= hl= l=" prefix of `openssl asn1parse -i`, then the type indented by depth, the value and the field
 * name. Encapsulated DER is marked with "└ encapsulates". */
export function formatAsn1Text(root: Asn1Node, options: FormatAsn1Options = {}): string {
  const max = options.maxValueLength ?? 48;
  const rows: { prefix: string; type: string; value: string; name: string }[] = [];
  walkAsn1(root, (node) => {
    const length = node.indefiniteLength ? 'inf' : String(node.length);
    const lengths = `hl=${String(node.headerLength).padEnd(2)} l=${length.padStart(5)} ${node.constructed ? 'cons' : 'prim'}:`;
    const prefix = `${String(node.offset).padStart(5)}:d=${String(node.depth).padEnd(2)} ${lengths}`;
    let value = describeValue(node.value);
    if (value.length > max) value = `${value.slice(0, max - 1)}…`;
    if (node.encapsulates) value = '(encapsulates DER, below)';
    rows.push({ prefix, type: `${'  '.repeat(node.depth)}${node.type}`, value, name: node.name ?? '' });
  });
  const typeWidth = Math.min(Math.max(...rows.map((r) => r.type.length)), 44);
  const valueWidth = Math.min(Math.max(...rows.map((r) => r.value.length)), max);
  const prefixWidth = rows[0]?.prefix.length ?? 0;
  const legend = '# offset:d=depth hl=header length l=content length, prim|cons (as openssl asn1parse -i prints them)';
  const header = `${' '.repeat(prefixWidth)} ${'type'.padEnd(typeWidth)}  ${'value'.padEnd(valueWidth)}  field`;
  const lines = rows.map((r) => `${r.prefix} ${r.type.padEnd(typeWidth)}  ${r.value.padEnd(valueWidth)}  ${r.name}`.trimEnd());
  return `${legend}\n${header.trimEnd()}\n${lines.join('\n')}\n`;
}
