/**
 * Every section of a scenario file is checked whatever the command: `gvc run` of a file whose
 * `sweep:` section has a misspelt key must fail as `gvc sweep` would, not ignore the section.
 */
import { parseScenarioText, type LoadedScenario } from '../scenario/load.js';
import { parseSweepSpec } from './sweep-spec.js';
import { parseValidationSpec } from './validation-spec.js';

/**
 * Validates the file's `sweep:` and `validation:` sections, when present, against the
 * scenario as the file writes it: command-line overrides (--set, --seed, --steps) change
 * this command's parameters, not what the file's sections mean. `skip` names a section the
 * command validates itself (gvc sweep applies its flags to the sweep section first).
 * Throws the section's one-line ScenarioError.
 */
export function checkFileSections(
  loaded: LoadedScenario,
  skip: { sweep?: boolean; validation?: boolean } = {},
): void {
  const sweep = loaded.sweep !== undefined && !skip.sweep;
  const validation = loaded.validation !== undefined && !skip.validation;
  if (!sweep && !validation) return;
  const asWritten =
    loaded.overrides.length === 0 ? loaded : parseScenarioText(loaded.text, loaded.file);
  if (sweep) parseSweepSpec(loaded.sweep, loaded.file, asWritten.scenario, {}, loaded.locate);
  if (validation)
    parseValidationSpec(
      loaded.validation,
      loaded.sweep,
      loaded.file,
      asWritten.scenario,
      loaded.locate,
    );
}
