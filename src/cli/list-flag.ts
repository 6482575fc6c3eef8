/**
 * Comma-separated list flags (`gvc report --metrics`, `gvc table --columns`). An empty list,
 * an empty item (`a,,b`, a trailing comma) or an item given twice is refused: dropping them
 * quietly would turn `--metrics ''` into "the default metrics" without a word.
 */
import { UserError } from '../scenario/errors.js';

/** The items of `text` (trimmed), or a UserError naming `flag` and what is wrong. */
export function parseListFlag(flag: string, text: string): string[] {
  const items = text.split(',').map((s) => s.trim());
  const found = JSON.stringify(text);
  if (items.every((s) => s === ''))
    throw new UserError(`${flag}: expected a comma-separated list of names, found ${found}`);
  const empty = items.indexOf('');
  if (empty >= 0)
    throw new UserError(
      `${flag}: expected a comma-separated list of names, found ${found} (item ${empty + 1} is empty)`,
    );
  const twice = items.find((s, i) => items.indexOf(s) !== i);
  if (twice !== undefined)
    throw new UserError(`${flag}: ${JSON.stringify(twice)} is listed twice in ${found}`);
  return items;
}
