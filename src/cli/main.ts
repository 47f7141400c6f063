import { readFileSync } from 'node:fs';
import { Command, CommanderError } from 'commander';
import { EXIT, OtraceError } from '../errors.js';
import { type CommandContext, createContext } from './context.js';
import { type CliIo, processIo } from './io.js';

const EXIT_CODES_HELP = `
Exit codes:
  0  done; show: the trace has no unrecovered error; errors: none at the --fail-on level
  1  findings: show: the trace has errors or timeouts; errors: more than --max-errors failing spans;
     check-propagation: a finding at or above --fail-on; receive --fail-on: a trace it showed had
     one; assert: a rule failed (for CI); diff: what its --fail-on names (slower, error, any);
     compare: what its --fail-on names (regression, new-errors)
  2  usage or input error: bad option, unreadable or malformed trace data
  3  source unavailable: missing file, trace not found
Colour: off when stdout is not a terminal, with NO_COLOR or --no-color; FORCE_COLOR forces it.
Environment: OTRACE_JAEGER_URL, OTRACE_TEMPO_URL, OTRACE_ZIPKIN_URL, OTRACE_TOKEN for backends; OTRACE_THREADS=N
  (1-4) worker threads reading a JSON Lines file of 64 MB or more (errors, list, check-propagation, perf, compare;
  default: one per core, up to 2).`;

/** Exit code for a crash (a bug in otrace, not in the input). */
const EXIT_INTERNAL = 70;

function readVersion(): string {
  const pkg = JSON.parse(readFileSync(new URL('../../package.json', import.meta.url), 'utf8')) as {
    version: string;
  };
  return pkg.version;
}

type CommandDefinition = (ctx: CommandContext) => Command;

/**
 * Each command's module, loaded only when that command runs: every invocation pays for loading
 * what it uses and nothing else (`receive` alone needs HTTP/2 and protobuf, `assert` a YAML
 * parser, `show` none of the checks across traces). Help and unknown commands load them all.
 */
const COMMANDS = {
  show: async () => (await import('./commands/show.js')).showCommand,
  diff: async () => (await import('./commands/diff.js')).diffCommand,
  list: async () => (await import('./commands/list.js')).listCommand,
  errors: async () => (await import('./commands/errors.js')).errorsCommand,
  'check-propagation': async () => (await import('./commands/check-propagation.js')).checkPropagationCommand,
  perf: async () => (await import('./commands/perf.js')).perfCommand,
  compare: async () => (await import('./commands/compare.js')).compareCommand,
  assert: async () => (await import('./commands/assert.js')).assertCommand,
  receive: async () => (await import('./commands/receive.js')).receiveCommand,
} as const satisfies Record<string, () => Promise<CommandDefinition>>;

type CommandName = keyof typeof COMMANDS;

/** The commands argv needs: the one it names, none for a bare --version, else all (help, typos). */
function commandsFor(argv: readonly string[]): CommandName[] {
  const args = argv.slice(2);
  const first = args.find((arg) => !arg.startsWith('-'));
  if (first !== undefined && first in COMMANDS) return [first as CommandName];
  if (
    first === undefined &&
    args.length > 0 &&
    args.every((a) => ['-V', '--version', '--no-color'].includes(a))
  )
    return [];
  return Object.keys(COMMANDS) as CommandName[];
}

export async function buildProgram(argv: readonly string[], ctx: CommandContext): Promise<Command> {
  const output = {
    writeOut: (text: string) => ctx.io.stdout.write(text),
    writeErr: (text: string) => ctx.io.stderr.write(text),
  };
  const program = new Command('otrace')
    .description('Trace inspector and failure diagnoser for OpenTelemetry')
    .version(readVersion())
    .option('--no-color', 'no colour, even on a terminal')
    .showHelpAfterError('(otrace --help for usage)')
    .addHelpText('after', EXIT_CODES_HELP)
    .configureOutput(output)
    .exitOverride();
  const definitions = await Promise.all(commandsFor(argv).map((name) => COMMANDS[name]()));
  for (const define of definitions) {
    const command = define(ctx);
    command.addHelpText('after', EXIT_CODES_HELP).configureOutput(output).exitOverride();
    command.option('--no-color', 'no colour, even on a terminal');
    program.addCommand(command);
  }
  return program;
}

/**
 * One run of the CLI over `io`; resolves to its exit code. The one place that turns errors into
 * messages and exit codes. Tests call it in-process with buffers; `main` with the process.
 */
export async function run(argv: readonly string[], io: CliIo): Promise<number> {
  // Read up front so that `--no-color` works before or after the command name.
  const ctx = createContext(io, argv.includes('--no-color'));
  try {
    await (await buildProgram(argv, ctx)).parseAsync([...argv]);
    // A partial result is not a clean pass: findings still say 1, otherwise a left-out input says 2.
    if (ctx.exitCode === EXIT.ok && ctx.skippedInputs.length > 0) return EXIT.input;
    return ctx.exitCode;
  } catch (error) {
    return reportError(error, ctx);
  }
}

export async function main(argv: readonly string[]): Promise<void> {
  process.exitCode = await run(argv, processIo());
}

function reportError(error: unknown, ctx: CommandContext): number {
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
    ctx.diagnostic(`otrace: ${error.message}${error.hint ? ` — ${error.hint}` : ''}`);
    return error.exitCode;
  }
  const message = error instanceof Error ? error.message : String(error);
  ctx.diagnostic(`otrace: internal error: ${message} (a bug in otrace; OTRACE_DEBUG=1 prints the stack)`);
  if (ctx.terminal.env.OTRACE_DEBUG && error instanceof Error && error.stack) ctx.diagnostic(error.stack);
  return EXIT_INTERNAL;
}
