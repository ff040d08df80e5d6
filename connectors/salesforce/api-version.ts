/**
 * The one Salesforce API version playercoach speaks, set on every jsforce Connection (jsforce
 * would otherwise default to 50.0). 62.0 is Winter '25: sObject Collections upsert, Bulk API 2.0
 * and the composite limits the connector relies on are all older than that.
 */
export const SALESFORCE_API_VERSION = '62.0';
