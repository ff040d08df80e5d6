#!/usr/bin/env node
// The CLI is TypeScript run through tsx, so `npx playercoach` works right after `npm ci`
// with no build step and no stale compiled copy.
import { register } from 'tsx/esm/api';

register();
await import('../src/cli/main.ts');
