import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['src/**/*.test.ts', 'connectors/**/*.test.ts', 'jobs/**/*.test.ts', 'test/**/*.test.ts'],
    // Integration tests talk to real Redis and sandbox servers over HTTP; give them room.
    testTimeout: 60_000,
    hookTimeout: 60_000,
    pool: 'forks',
  },
});
