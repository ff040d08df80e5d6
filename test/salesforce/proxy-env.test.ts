// Protects the connector from proxy variables: jsforce would send even 127.0.0.1 traffic through HTTP(S)_PROXY (it ignores NO_PROXY); ours connects directly.
import { execFileSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

describe('Salesforce connector with proxy variables set', () => {
  it('still reaches Salesforce directly', () => {
    const dead = 'http://127.0.0.1:9';
    const out = execFileSync(
      process.execPath,
      ['--import', 'tsx', fileURLToPath(new URL('./proxy-child.ts', import.meta.url))],
      {
        env: {
          ...process.env,
          HTTP_PROXY: dead,
          HTTPS_PROXY: dead,
          http_proxy: dead,
          https_proxy: dead,
          NO_PROXY: '',
        },
        encoding: 'utf8',
        timeout: 60_000,
      },
    );
    expect(out.trim()).toBe('users=9 deals=5');
  });
});
