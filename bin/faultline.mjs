#!/usr/bin/env node
// The installed `faultline` command: registers tsx's loader so the TypeScript
// sources run as they are, then hands over to the CLI.
import { register } from 'tsx/esm/api';

register();
await import('../src/cli/faultline.ts');
