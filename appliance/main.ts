// Entry point: `node --import tsx appliance/main.ts [pacs command and options]`, default `start`.
import { runCli } from './cli.ts';

const args = process.argv.slice(2);
const code = await runCli(args.length === 0 || args[0]!.startsWith('-') ? ['start', ...args] : args);
if (code !== 0) process.exit(code);
