/** The synthetic org generator: what tests, sandboxes, benchmarks and the demo import. */
export { contactName } from './accounts.js';
export { GENERATE_DEFAULTS, type GenerateOptions, generateOrg } from './generate-org.js';
export { writeSnapshot } from './write-snapshot.js';
