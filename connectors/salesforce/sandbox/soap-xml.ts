/**
 * The little SOAP the sandbox speaks: reading envelopes (fast-xml-parser, namespaces dropped,
 * values kept as strings) and writing them, for the Metadata API and Outbound Messages.
 */
import { createSoapParser, hasDoctype } from '../soap-parser.js';

const parser = createSoapParser([
  'metadata',
  'fullNames',
  'fields',
  'fieldPermissions',
  'objectPermissions',
  'Notification',
]);

/** The children of soap:Body and the SessionHeader's session id, or null when it is not a SOAP envelope. */
export function parseEnvelope(
  xml: string,
): { body: Record<string, unknown>; sessionId: string | null } | null {
  if (hasDoctype(xml)) return null;
  let doc: unknown;
  try {
    doc = parser.parse(xml, true);
  } catch {
    return null;
  }
  const envelope = (doc as { Envelope?: { Header?: unknown; Body?: unknown } } | null)?.Envelope;
  if (envelope === undefined || typeof envelope.Body !== 'object' || envelope.Body === null) return null;
  const header = envelope.Header as { SessionHeader?: { sessionId?: unknown } } | undefined;
  const sessionId = header?.SessionHeader?.sessionId;
  return {
    body: envelope.Body as Record<string, unknown>,
    sessionId: typeof sessionId === 'string' ? sessionId : null,
  };
}

export function escapeXml(text: string): string {
  return text
    .replace(/&/g, '&amp;')
    .replace(/</g, '&lt;')
    .replace(/>/g, '&gt;')
    .replace(/"/g, '&quot;')
    .replace(/'/g, '&apos;');
}

/** `{a: '1', b: ['x', 'y']}` → `<a>1</a><b>x</b><b>y</b>`; null → xsi:nil; attributes come as '@_name'. */
export function toXml(name: string, value: unknown): string {
  if (Array.isArray(value)) return value.map((v) => toXml(name, v)).join('');
  if (value === null || value === undefined) return `<${name} xsi:nil="true"/>`;
  if (typeof value === 'object') {
    let attrs = '';
    let inner = '';
    for (const [k, v] of Object.entries(value as Record<string, unknown>)) {
      if (k.startsWith('@_')) attrs += ` ${k.slice(2)}="${escapeXml(String(v))}"`;
      else inner += toXml(k, v);
    }
    return `<${name}${attrs}>${inner}</${name}>`;
  }
  return `<${name}>${escapeXml(String(value))}</${name}>`;
}

export function soapEnvelope(bodyXml: string, defaultNs: string): string {
  return (
    '<?xml version="1.0" encoding="UTF-8"?>' +
    '<soapenv:Envelope xmlns:soapenv="http://schemas.xmlsoap.org/soap/envelope/"' +
    ` xmlns="${defaultNs}" xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance">` +
    `<soapenv:Body>${bodyXml}</soapenv:Body></soapenv:Envelope>`
  );
}

export function soapFault(code: string, message: string): string {
  return (
    '<?xml version="1.0" encoding="UTF-8"?>' +
    '<soapenv:Envelope xmlns:soapenv="http://schemas.xmlsoap.org/soap/envelope/" xmlns:sf="http://soap.sforce.com/2006/04/metadata">' +
    `<soapenv:Body><soapenv:Fault><faultcode>sf:${escapeXml(code)}</faultcode><faultstring>${escapeXml(`${code}: ${message}`)}</faultstring></soapenv:Fault></soapenv:Body></soapenv:Envelope>`
  );
}
