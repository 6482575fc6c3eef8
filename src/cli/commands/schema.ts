/**
 * `gvc schema`: the JSON Schema of scenario files (for editor completion and checking).
 */
import type { Command } from 'commander';
import { scenarioJsonSchema } from '../../scenario/json-schema.js';

export function registerSchema(program: Command): void {
  program
    .command('schema')
    .description(
      'Print the JSON Schema (draft 2020-12) of scenario files, derived from the parameter registry.',
    )
    .action(() => {
      process.stdout.write(`${JSON.stringify(scenarioJsonSchema(), null, 2)}\n`);
    });
}
