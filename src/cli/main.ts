#!/usr/bin/env node
/** The `steward` command line. */
import { Command } from 'commander';
import { buildCommand } from './build.js';
import { diffCommand } from './diff.js';
import { quickstartCommand } from './quickstart.js';
import { runCommand } from './run.js';
import { sandboxCommand } from './sandbox.js';

const program = new Command();
program.name('steward').description('Steward: a lightweight GitOps reconciler for namespace tenants');
program.addCommand(runCommand());
program.addCommand(sandboxCommand());
program.addCommand(quickstartCommand());
program.addCommand(buildCommand());
program.addCommand(diffCommand());
await program.parseAsync(process.argv);
