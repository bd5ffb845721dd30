/**
 * `steward quickstart` (what `npm start` runs): the sandbox API server, a local Git server serving the example
 * app, and the agent applying it, until SIGINT or SIGTERM.
 */
import { existsSync } from 'node:fs';
import { delimiter } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Command, InvalidArgumentError } from 'commander';
import { pino } from 'pino';
import { QuickstartError, quickstartInstructions, startQuickstart } from '../quickstart/index.js';

function port(value: string): number {
  const n = Number(value);
  if (!Number.isInteger(n) || n < 0 || n > 65535)
    throw new InvalidArgumentError('must be a port number (0-65535)');
  return n;
}

function milliseconds(value: string): number {
  const n = Number(value);
  if (!Number.isInteger(n) || n < 0) throw new InvalidArgumentError('must be a whole number of milliseconds');
  return n;
}

interface QuickstartFlags {
  port: number;
  metricsPort: number;
  kubeconfig: string;
  dir: string;
  examples: string;
  settle: number;
  verbose?: boolean;
}

/** The project's own tools (kubectl, helm) as setup.sh installs them, relative to this file in src/ or dist/. */
const TOOLS_BIN = fileURLToPath(new URL('../../.tools/bin', import.meta.url));
const EXAMPLES = fileURLToPath(new URL('../../examples', import.meta.url));

/** The `quickstart` subcommand: parses flags, starts everything, prints the instructions, stops on a signal. */
export function quickstartCommand(): Command {
  return new Command('quickstart')
    .description(
      'run the quick start: the sandbox API server, a local Git server with examples/, and the agent',
    )
    .option('--port <n>', 'port of the sandbox API server (0 picks a free one)', port, 0)
    .option('--metrics-port <n>', 'port of /metrics (a free one when taken; 0 picks a free one)', port, 8080)
    .option('--kubeconfig <file>', 'write the admin kubeconfig here', 'sandbox.kubeconfig')
    .option(
      '--dir <dir>',
      'state: the working clone, the served repository, artifacts',
      '.steward/quickstart',
    )
    .option('--examples <dir>', 'what a new working clone starts from', EXAMPLES)
    .option('--settle <ms>', 'how long simulated workloads take to become ready', milliseconds, 2000)
    .option('--verbose', 'agent logs at info level (default: warnings and errors)')
    .action(async (o: QuickstartFlags) => {
      const log = pino(
        {
          // No `name`: the agent's log lines carry a `name` field of their own (the object's).
          level: o.verbose === true ? 'info' : 'warn',
          redact: {
            paths: ['*.token', '*.password', '*.bearerToken', '*.authorization'],
            censor: '[redacted]',
          },
        },
        pino.destination(2),
      );
      const env: Record<string, string> = {};
      for (const [k, v] of Object.entries(process.env)) if (v !== undefined) env[k] = v;
      const toolsBinDir = existsSync(TOOLS_BIN) ? TOOLS_BIN : undefined;
      if (toolsBinDir !== undefined) env.PATH = [toolsBinDir, env.PATH ?? ''].join(delimiter);
      let qs: Awaited<ReturnType<typeof startQuickstart>>;
      try {
        qs = await startQuickstart({
          examplesDir: o.examples,
          stateDir: o.dir,
          kubeconfigPath: o.kubeconfig,
          port: o.port,
          metricsPort: o.metricsPort,
          settleMs: o.settle,
          log,
          env,
        });
      } catch (err) {
        // A QuickstartError says what to do; anything else is a bug, worth its stack.
        const text =
          err instanceof QuickstartError ? err.message : err instanceof Error ? err.stack : String(err);
        process.stderr.write(`steward quickstart: ${text}\n`);
        process.exit(1);
      }
      process.stdout.write(
        quickstartInstructions({
          cwd: process.cwd(),
          ...qs,
          ...(toolsBinDir === undefined ? {} : { toolsBinDir }),
          verbose: o.verbose === true,
        }),
      );
      let stopping = false;
      const stop = (signal: string) => {
        if (stopping) {
          process.stderr.write('stopping now, without waiting\n');
          process.exit(130);
        }
        stopping = true;
        log.info({ signal }, 'stopping the agent, the Git server and the sandbox');
        process.stdout.write('\nStopping (Ctrl-C again to exit at once)...\n');
        qs.stop().then(
          () => process.exit(0),
          (err: unknown) => {
            log.error({ error: String(err) }, 'stop failed');
            process.exit(1);
          },
        );
      };
      process.on('SIGINT', () => stop('SIGINT'));
      process.on('SIGTERM', () => stop('SIGTERM'));
    });
}
