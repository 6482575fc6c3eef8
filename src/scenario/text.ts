/**
 * Free text a user gives (scenario names and descriptions, validation titles, sources and
 * contrasts) and the bytes of the files it comes from. Such text ends up in folder names,
 * manifests, CSV cells and report pages, where a NUL, an escape sequence or a byte that is
 * not UTF-8 corrupts or hides what a reader sees; it is refused with its position, never
 * replaced or dropped.
 */
import { ScenarioError } from './errors.js';

/**
 * The first character of `text` that free text may not hold, or null: C0 control
 * characters (U+0000–U+001F) except, in multi-line text, tab, line feed and carriage return;
 * DEL (U+007F); C1 control characters (U+0080–U+009F); unpaired UTF-16 surrogates (a YAML
 * escape such as "\uD800"), which have no UTF-8 form. `index` is 1-based, in characters.
 */
export function forbiddenCharacter(
  text: string,
  multiline: boolean,
): { index: number; code: string } | null {
  let index = 0;
  for (let i = 0; i < text.length; i++) {
    index++;
    const c = text.charCodeAt(i);
    if (c >= 0xd800 && c <= 0xdbff) {
      const next = text.charCodeAt(i + 1);
      if (next >= 0xdc00 && next <= 0xdfff) {
        i++;
        continue;
      }
      return { index, code: hex(c) };
    }
    if (c >= 0xdc00 && c <= 0xdfff) return { index, code: hex(c) };
    const allowed = multiline && (c === 0x09 || c === 0x0a || c === 0x0d);
    if ((c < 0x20 && !allowed) || (c >= 0x7f && c <= 0x9f)) return { index, code: hex(c) };
  }
  return null;
}

function hex(c: number): string {
  return `U+${c.toString(16).toUpperCase().padStart(4, '0')}`;
}

export interface TextPlace {
  file: string;
  path: string;
  line?: number;
  column?: number;
}

/**
 * Throws a ScenarioError naming the place and the character's position when `text` holds a
 * character that free text may not (see forbiddenCharacter). `multiline` allows tab, line
 * feed and carriage return (descriptions); single-line text (names) allows none of them.
 */
export function checkText(text: string, place: TextPlace, multiline: boolean): void {
  const bad = forbiddenCharacter(text, multiline);
  if (!bad) return;
  throw new ScenarioError({
    ...place,
    expected: multiline
      ? 'text without control characters (tab and line breaks are allowed)'
      : 'one line of text without control characters',
    found: `${bad.code} at character ${bad.index}`,
  });
}

/**
 * Decodes a file's bytes as UTF-8, refusing bytes that are not UTF-8 (the platform decoder
 * would silently replace them with U+FFFD) with the line, column and byte offset of the
 * first one. A leading byte order mark is kept (callers strip it).
 */
export function decodeUtf8(bytes: Uint8Array, file: string): string {
  try {
    return new TextDecoder('utf-8', { fatal: true, ignoreBOM: true }).decode(bytes);
  } catch {
    // The first invalid byte: the shortest prefix that a streaming strict decoder rejects
    // (a prefix cut inside a valid sequence is only incomplete, which streaming accepts).
    let lo = 1;
    let hi = bytes.length;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if (streams(bytes.subarray(0, mid))) lo = mid + 1;
      else hi = mid;
    }
    // The decoder fails at the first byte that cannot continue what came before. When what
    // came before is itself an unfinished character (or the file ends inside one), the fault
    // is that character: report the byte that started it.
    const truncatedAtEnd = lo === bytes.length && streams(bytes);
    let offset = truncatedAtEnd ? bytes.length : lo - 1;
    if (!decodes(bytes.subarray(0, offset))) {
      for (let k = offset - 1; k >= Math.max(0, offset - 3); k--) {
        if (bytes[k] >= 0xc0) {
          offset = k;
          break;
        }
      }
    }
    let lineStart = 0;
    let line = 1;
    for (let i = 0; i < offset; i++) {
      if (bytes[i] === 0x0a) {
        line++;
        lineStart = i + 1;
      }
    }
    const column =
      new TextDecoder('utf-8').decode(bytes.subarray(lineStart, offset), { stream: true }).length +
      1;
    throw new ScenarioError({
      file,
      line,
      column,
      expected: 'UTF-8 text',
      found: `byte 0x${bytes[offset].toString(16).toUpperCase().padStart(2, '0')} at byte offset ${offset}, which is not valid UTF-8`,
    });
  }
}

/** True when `bytes` is UTF-8 up to, possibly, an unfinished character at its end. */
function streams(bytes: Uint8Array): boolean {
  try {
    new TextDecoder('utf-8', { fatal: true, ignoreBOM: true }).decode(bytes, { stream: true });
    return true;
  } catch {
    return false;
  }
}

/** True when `bytes` is UTF-8 from start to end. */
function decodes(bytes: Uint8Array): boolean {
  try {
    new TextDecoder('utf-8', { fatal: true, ignoreBOM: true }).decode(bytes);
    return true;
  } catch {
    return false;
  }
}
