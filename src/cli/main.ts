#!/usr/bin/env node
/** The `steward` command line. */
import { Command } from 'commander';
import { buildCommand } from './build.js';
import { diffCommand } from './diff.js';
import { eventsCommand } from './events.js';
import { getCommand } from './get.js';
import { quickstartCommand } from './quickstart.js';
import { reconcileCommand } from './reconcile.js';
import { runCommand } from './run.js';
import { sandboxCommand } from './sandbox.js';
import { resumeCommand, suspendCommand } from './suspend.js';
import { treeCommand } from './tree.js';

const program = new Command();
program.name('steward').description('Steward: a lightweight GitOps reconciler for namespace tenants');
program.addCommand(runCommand());
program.addCommand(sandboxCommand());
program.addCommand(quickstartCommand());
program.addCommand(buildCommand());
program.addCommand(diffCommand());
program.addCommand(getCommand());
program.addCommand(reconcileCommand());
program.addCommand(suspendCommand());
program.addCommand(resumeCommand());
program.addCommand(eventsCommand());
program.addCommand(treeCommand());
await program.parseAsync(process.argv);
