#!/usr/bin/env node
/** The `steward` command line. */
import { Command } from 'commander';
import { runCommand } from './run.js';
import { sandboxCommand } from './sandbox.js';

const program = new Command();
program.name('steward').description('Steward: a lightweight GitOps reconciler for namespace tenants');
program.addCommand(runCommand());
program.addCommand(sandboxCommand());
await program.parseAsync(process.argv);
