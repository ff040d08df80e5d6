/**
 * Run by proxy-env.test.ts in a child process whose environment points HTTP(S)_PROXY at a port
 * nobody listens on: jsforce reads those variables when it loads, so only a fresh process shows
 * whether the connector really connects directly. Prints the number of users pulled.
 */

import { generateOrg } from '../../src/generator/index.js';
import { startTestOrg } from './support.js';

const org = await startTestOrg({ snapshot: generateOrg({ deals: 5, seed: 1 }) });
try {
  const connector = org.connector();
  await connector.install();
  const data = await connector.pullOrg();
  const page = await connector.pullClosedBetween({ from: '1900-01-01', to: '2999-12-31' }, null, {
    pageSize: 10,
    splits: false,
    accountActivities: false,
  });
  console.log(`users=${data.users.length} deals=${page.deals.length}`);
} finally {
  await org.close();
}
