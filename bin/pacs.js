#!/usr/bin/env node
// `npx pacs <command>`: runs the TypeScript sources through tsx, so the CLI always matches the checkout.
import { register } from 'tsx/esm/api';

register();
const { runCli } = await import('../appliance/cli.ts');
const code = await runCli(process.argv.slice(2));
if (code !== 0) process.exit(code);
