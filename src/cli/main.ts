/**
 * `gvc` entry point. Each command lives in its own module under commands/ and registers
 * itself on the program; this file only wires them up and turns errors into exit codes:
 * 2 for bad input (a UserError, one line, no stack trace), 3 when the operating system
 * refused a file operation (a full disk, a read-only folder …: a SystemError or any error
 * carrying an errno code), 1 for anything unexpected (a bug).
 */
import { Command, CommanderError, Help, type Option } from 'commander';
import { readFileSync } from 'node:fs';
import { UserError } from '../scenario/errors.js';
import {
  describeOsError,
  errnoCode,
  errnoReason,
  EXIT_OS_FAILURE,
  isOsError,
  SystemError,
} from '../io/os-errors.js';
import { registerRun } from './commands/run.js';
import { registerParams } from './commands/params.js';
import { registerSchema } from './commands/schema.js';
import { registerSweep } from './commands/sweep.js';
import { registerMerge } from './commands/merge.js';
import { registerSensitivity } from './commands/sensitivity.js';
import { registerValidate } from './commands/validate.js';
import { registerReport } from './commands/report.js';
import { registerTable } from './commands/table.js';

export const PROGRAM_VERSION: string = (
  JSON.parse(readFileSync(new URL('../../package.json', import.meta.url), 'utf8')) as {
    version: string;
  }
).version;

export function buildProgram(): Command {
  const program = new Command();
  program
    .name('gvc')
    .description(
      'Agent-based simulator of supplier-buyer global value chains (functional lock-in and upgrading).',
    )
    .version(PROGRAM_VERSION)
    .addHelpText(
      'after',
      '\nExit status: 0 success; 1 a check failed (gvc validate), some runs failed (gvc sweep) or an\n' +
        'internal error (a bug); 2 bad input (nothing written); 3 the operating system refused a file\n' +
        'operation (disk full, read-only, permission, too many open files); 130 interrupted.',
    )
    .exitOverride();
  registerRun(program);
  registerSweep(program);
  registerMerge(program);
  registerSensitivity(program);
  registerValidate(program);
  registerReport(program, PROGRAM_VERSION);
  registerTable(program);
  registerParams(program);
  registerSchema(program);
  refuseRepeatedFlags(program);
  hideEmptyListDefaults(program);
  oneLineErrors(program);
  return program;
}

/**
 * commander's own errors (an unknown option or command, a missing argument or value) as one
 * line in gvc's form, like every other bad input: `gvc: unknown option '--outt' (did you mean
 * --out?); see gvc run --help`. commander words them over two or three lines (`error: …`, the
 * suggestion, the help hint) without the `gvc:` prefix.
 */
function oneLineErrors(command: Command): void {
  const path: string[] = [];
  for (let c: Command | null = command; c; c = c.parent) path.unshift(c.name());
  const usage = path.join(' ');
  command.configureOutput({
    outputError: (text, write) => write(`${commanderMessage(text, usage)}\n`),
  });
  for (const sub of command.commands) oneLineErrors(sub);
}

/**
 * commander's error `text` (`error: unknown option '--outt'\n(Did you mean --out?)\n`) as one
 * line, for the command `usage` (`gvc run`).
 */
export function commanderMessage(text: string, usage: string): string {
  const lines = text
    .split('\n')
    .map((l) => l.trim())
    .filter((l) => l !== '');
  // commander ends some messages with a full stop ("Expected 1 argument but got 2.").
  const head = (lines[0] ?? 'bad command line').replace(/^error:\s*/, '').replace(/\.$/, '');
  const hints = lines
    .slice(1)
    .map((l) => l.replace(/^\((.*)\)$/, '$1'))
    .map((l) => l.charAt(0).toLowerCase() + l.slice(1));
  const hint = hints.length > 0 ? ` (${hints.join('; ')})` : '';
  return `gvc: ${head}${hint}; see ${usage} --help`;
}

/**
 * Help without "(default: [])" after the repeatable flags (--set, --vary, --where): the empty
 * list they collect into is an implementation detail that reads as a value to type.
 */
function hideEmptyListDefaults(command: Command): void {
  command.configureHelp({
    optionDescription(this: Help, option: Option): string {
      const text = Help.prototype.optionDescription.call(this, option);
      const empty = Array.isArray(option.defaultValue) && option.defaultValue.length === 0;
      return empty ? text.replace(/ \(default: \[\]\)$/, '') : text;
    },
  });
  for (const sub of command.commands) hideEmptyListDefaults(sub);
}

/**
 * A flag that takes one value (`--seed 1`) may be given once: commander keeps the last of
 * `--seed 1 --seed 2` without a word, so a typo in a long command line would silently
 * decide the run. Repeatable flags (--set, --vary, --where: their default is a list they
 * collect into) are left alone; a repeated switch (--force --force) means the same as one.
 */
function refuseRepeatedFlags(command: Command): void {
  for (const option of command.options) {
    if (!(option.required || option.optional) || option.variadic) continue;
    if (Array.isArray(option.defaultValue)) continue;
    const name = option.attributeName();
    // A parser of its own (e.g. commander's check of .choices()) still runs after this one.
    const own = option.parseArg;
    option.argParser((value: string, previous: unknown) => {
      if (command.getOptionValueSource(name) === 'cli') {
        throw new UserError(
          `${option.long ?? option.flags}: given twice (${JSON.stringify(previous)} and ${JSON.stringify(value)}); give it once`,
        );
      }
      return own ? own(value, previous) : value;
    });
  }
  for (const sub of command.commands) refuseRepeatedFlags(sub);
}

/**
 * Standard output that cannot be written (`gvc table … > file` on a full disk, `> /dev/full`)
 * is an operating-system failure like any other: one line and exit code 3, not Node's
 * unhandled-'error' stack trace. A reader that closed the pipe early (`gvc params | head`)
 * has what it wanted: exit quietly. Writes to stdout complete asynchronously, so the failure
 * arrives as an event, possibly after the command has returned.
 */
function reportStdoutFailures(): void {
  if (process.stdout.listenerCount('error') > 0) return;
  process.stdout.on('error', (err) => {
    if (errnoCode(err) === 'EPIPE') process.exit(process.exitCode ?? 0);
    process.stderr.write(`gvc: cannot write standard output: ${errnoReason(err)}\n`);
    process.exit(EXIT_OS_FAILURE);
  });
}

export async function main(argv: string[]): Promise<number> {
  reportStdoutFailures();
  const program = buildProgram();
  try {
    await program.parseAsync(argv);
    return typeof process.exitCode === 'number' ? process.exitCode : 0;
  } catch (err) {
    if (err instanceof CommanderError) {
      // commander has already printed its message (or help/version).
      return err.exitCode === 0 ? 0 : 2;
    }
    if (err instanceof UserError) {
      process.stderr.write(`gvc: ${err.message}\n`);
      return 2;
    }
    if (err instanceof SystemError) {
      process.stderr.write(`gvc: ${err.message}\n`);
      return EXIT_OS_FAILURE;
    }
    if (isOsError(err)) {
      process.stderr.write(`gvc: ${describeOsError(err)}\n`);
      return EXIT_OS_FAILURE;
    }
    const error = err as Error;
    process.stderr.write(`gvc: internal error: ${error?.message ?? String(err)}\n`);
    if (process.env.GVC_DEBUG) process.stderr.write(`${error?.stack ?? ''}\n`);
    else process.stderr.write('gvc: this is a bug; rerun with GVC_DEBUG=1 for details.\n');
    return 1;
  }
}
