import { readFileSync } from 'node:fs';
import { Command, CommanderError } from 'commander';
import { EXIT, OtraceError } from '../errors.js';
import { assertCommand } from './commands/assert.js';
import { checkPropagationCommand } from './commands/check-propagation.js';
import { errorsCommand } from './commands/errors.js';
import { listCommand } from './commands/list.js';
import { receiveCommand } from './commands/receive.js';
import { showCommand } from './commands/show.js';
import { createContext } from './context.js';
import { installPipeHandling, writeDiagnostic } from './output.js';

const EXIT_CODES_HELP = `
Exit codes:
  0  done; show: the trace has no unrecovered error; errors: none at the --fail-on level
  1  findings: show: the trace has errors or timeouts; errors: more than --max-errors failing spans;
     check-propagation: a finding at or above --fail-on; assert: a rule failed (for CI)
  2  usage or input error: bad option, unreadable or malformed trace data
  3  source unavailable: missing file, trace not found
Colour: off when stdout is not a terminal, with NO_COLOR or --no-color; FORCE_COLOR forces it.`;

/** Exit code for a crash (a bug in otrace, not in the input). */
const EXIT_INTERNAL = 70;

function readVersion(): string {
  const pkg = JSON.parse(readFileSync(new URL('../../package.json', import.meta.url), 'utf8')) as {
    version: string;
  };
  return pkg.version;
}

export function buildProgram(argv: readonly string[]): Command {
  // Read up front so that `--no-color` works before or after the command name.
  const ctx = createContext(writeDiagnostic, argv.includes('--no-color'));
  const program = new Command('otrace')
    .description('Trace inspector and failure diagnoser for OpenTelemetry')
    .version(readVersion())
    .option('--no-color', 'no colour, even on a terminal')
    .showHelpAfterError('(otrace --help for usage)')
    .addHelpText('after', EXIT_CODES_HELP)
    .exitOverride();
  for (const command of [
    showCommand(ctx),
    listCommand(ctx),
    errorsCommand(ctx),
    checkPropagationCommand(ctx),
    assertCommand(ctx),
    receiveCommand(ctx),
  ]) {
    command.addHelpText('after', EXIT_CODES_HELP).exitOverride();
    command.option('--no-color', 'no colour, even on a terminal');
    program.addCommand(command);
  }
  return program;
}

/** The one place that turns errors into messages and exit codes. */
export async function main(argv: readonly string[]): Promise<void> {
  installPipeHandling();
  try {
    await buildProgram(argv).parseAsync([...argv]);
  } catch (error) {
    process.exitCode = reportError(error);
  }
}

function reportError(error: unknown): number {
  if (error instanceof CommanderError) {
    // Commander already printed its message (or the help/version text).
    if (
      error.exitCode === 0 ||
      error.code === 'commander.helpDisplayed' ||
      error.code === 'commander.version'
    ) {
      return EXIT.ok;
    }
    return EXIT.usage;
  }
  if (error instanceof OtraceError) {
    writeDiagnostic(`otrace: ${error.message}${error.hint ? ` — ${error.hint}` : ''}`);
    return error.exitCode;
  }
  const message = error instanceof Error ? error.message : String(error);
  writeDiagnostic(`otrace: internal error: ${message} (a bug in otrace; OTRACE_DEBUG=1 prints the stack)`);
  if (process.env.OTRACE_DEBUG && error instanceof Error && error.stack) writeDiagnostic(error.stack);
  return EXIT_INTERNAL;
}
