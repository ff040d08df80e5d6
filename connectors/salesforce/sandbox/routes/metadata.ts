/**
 * The Metadata API's CRUD calls over SOAP, as `conn.metadata.create/read/update/upsert/delete`
 * send them to /services/Soap/m/{version}: at most 10 components a call, one result per
 * component, failures reported in the result (success false) rather than as faults.
 * https://developer.salesforce.com/docs/atlas.en-us.api_meta.meta/api_meta/meta_createMetadata.htm
 */
import type { FastifyInstance, FastifyRequest } from 'fastify';
import { METADATA_TYPES, type MetadataType } from '../metadata-registry.js';
import { soapEnvelope, soapFault, toXml } from '../soap-xml.js';
import type { SandboxState } from '../state.js';

export const METADATA_NS = 'http://soap.sforce.com/2006/04/metadata';
const MAX_COMPONENTS = 10;

const envelopes = new WeakMap<FastifyRequest, Record<string, unknown>>();

/** Set by the auth hook once the envelope has been parsed. */
export function setSoapBody(request: FastifyRequest, body: Record<string, unknown>): void {
  envelopes.set(request, body);
}

export function registerMetadataRoutes(app: FastifyInstance, state: SandboxState): void {
  const { metadata } = state;
  app.post('/services/Soap/m/:version', { config: { api: 'soap' } }, async (request, reply) => {
    const body = envelopes.get(request) ?? {};
    const [call, args] = Object.entries(body)[0] ?? ['', {}];
    const send = (status: number, xml: string) =>
      reply.code(status).type('text/xml; charset=utf-8').send(xml);
    const params = (args ?? {}) as Record<string, unknown>;
    const fault = (code: string, message: string) => send(500, soapFault(code, message));

    switch (call) {
      case 'createMetadata':
      case 'updateMetadata':
      case 'upsertMetadata': {
        const items = asList(params['metadata']);
        if (items.length > MAX_COMPONENTS)
          return fault(
            'EXCEEDED_ID_LIMIT',
            `record limit reached. cannot submit more than ${MAX_COMPONENTS} records in a single call`,
          );
        const mode = call === 'createMetadata' ? 'create' : call === 'updateMetadata' ? 'update' : 'upsert';
        const results = items.map((item) => {
          const type = String(item['@_type'] ?? '').replace(/^.*:/, '');
          const { '@_type': _t, ...def } = item;
          if (!isType(type)) {
            return {
              fullName: String(def['fullName'] ?? ''),
              success: false,
              errors: [
                { statusCode: 'INVALID_TYPE', message: `Unsupported metadata type: ${type}`, fields: [] },
              ],
            };
          }
          return metadata.save(type, def, mode);
        });
        return send(
          200,
          soapEnvelope(toXml(`${call}Response`, { result: results.map(resultXml) }), METADATA_NS),
        );
      }
      case 'readMetadata': {
        const type = String(params['type'] ?? '');
        const names = asStrings(params['fullNames']);
        if (!isType(type)) return fault('INVALID_TYPE', `Unsupported metadata type: ${type}`);
        if (names.length > MAX_COMPONENTS)
          return fault(
            'EXCEEDED_ID_LIMIT',
            `cannot read more than ${MAX_COMPONENTS} components in a single call`,
          );
        const records = names.map((name) => {
          const found = metadata.read(type, name);
          return found === null ? { '@_xsi:nil': 'true' } : { '@_xsi:type': type, ...found };
        });
        return send(200, soapEnvelope(toXml('readMetadataResponse', { result: { records } }), METADATA_NS));
      }
      default:
        return fault(
          'INVALID_OPERATION',
          `The sandbox does not implement the Metadata API call ${call || '(none)'}`,
        );
    }
  });
}

function isType(type: string): type is MetadataType {
  return (METADATA_TYPES as readonly string[]).includes(type);
}

function asList(v: unknown): Record<string, unknown>[] {
  if (v === undefined || v === null) return [];
  return (Array.isArray(v) ? v : [v]).filter(
    (x): x is Record<string, unknown> => typeof x === 'object' && x !== null,
  );
}

function asStrings(v: unknown): string[] {
  if (v === undefined || v === null) return [];
  return (Array.isArray(v) ? v : [v]).map(String);
}

function resultXml(r: {
  fullName: string;
  success: boolean;
  created?: boolean;
  errors: { statusCode: string; message: string; fields: string[] }[];
}): unknown {
  return {
    ...(r.created === undefined ? {} : { created: String(r.created) }),
    ...(r.errors.length > 0
      ? { errors: r.errors.map((e) => ({ fields: e.fields, message: e.message, statusCode: e.statusCode })) }
      : {}),
    fullName: r.fullName,
    success: String(r.success),
  };
}
