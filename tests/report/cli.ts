/**
 * The gvc CLI in-process: main() with stdout and stderr captured. Cheaper than a child process
 * for the many bad-input cases (one spawn costs ~0.3 s of CPU); each suite still starts the
 * real binary at least once.
 */
import { main } from '../../src/cli/main.js';

export async function gvcInProcess(
  ...args: string[]
): Promise<{ code: number; stdout: string; stderr: string }> {
  const out: string[] = [];
  const err: string[] = [];
  const write = (sink: string[]) =>
    ((chunk: string | Uint8Array) => {
      sink.push(typeof chunk === 'string' ? chunk : Buffer.from(chunk).toString('utf8'));
      return true;
    }) as typeof process.stdout.write;
  const saved = {
    out: process.stdout.write,
    err: process.stderr.write,
    exitCode: process.exitCode,
  };
  process.stdout.write = write(out);
  process.stderr.write = write(err);
  try {
    const code = await main(['node', 'gvc', ...args]);
    return { code, stdout: out.join(''), stderr: err.join('') };
  } finally {
    process.stdout.write = saved.out;
    process.stderr.write = saved.err;
    process.exitCode = saved.exitCode;
  }
}
