/**
 * The XML parser for SOAP bodies, shared by the Outbound Message parser and the sandbox's SOAP
 * endpoints: namespace prefixes dropped, values kept as text, attributes under '@_' (so
 * xsi:type reads as '@_type'), and the named elements always arrays.
 */
import { XMLParser } from 'fast-xml-parser';

export function createSoapParser(repeated: readonly string[]): XMLParser {
  const arrays = new Set(repeated);
  return new XMLParser({
    removeNSPrefix: true,
    ignoreAttributes: false,
    attributeNamePrefix: '@_',
    parseTagValue: false,
    parseAttributeValue: false,
    trimValues: true,
    isArray: (name) => arrays.has(name),
  });
}

/** SOAP forbids DTDs; refusing them also rules out entity-expansion bombs. */
export function hasDoctype(xml: string): boolean {
  return /<!DOCTYPE/i.test(xml);
}
