#!/usr/bin/env node
// The agent's published entry point: registers tsx so the TypeScript sources run as they are.
import { register } from 'tsx/esm/api';

register();
const { runAgent } = await import('../agent/main.ts');
process.exitCode = await runAgent(process.argv);
