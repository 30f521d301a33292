/**
 * The handoff passphrase: from FLOTILLA_PASSPHRASE (scripts), or typed at
 * the terminal without echo. Never an option: a command line is visible to
 * every user of the machine (ps) and stays in shell history. The terminal
 * reader is shared with `profile create`, which asks for S3 keys this way.
 */
import { CliError, UsageError } from './errors.js';

export const PASSPHRASE_ENV = 'FLOTILLA_PASSPHRASE';

/** Ctrl-C at the prompt: the conventional 130 (128 + SIGINT). */
class Interrupted extends CliError {
  constructor() {
    super('interrupted', 130);
  }
}

/** The passphrase, asking twice when `confirm` (sealing), once otherwise. */
export async function passphrase(opts: { confirm: boolean; env?: NodeJS.ProcessEnv; stdin?: NodeJS.ReadStream; stderr?: NodeJS.WriteStream }): Promise<string> {
  const env = opts.env ?? process.env;
  const fromEnv = env[PASSPHRASE_ENV];
  if (fromEnv !== undefined && fromEnv !== '') return fromEnv;
  const stdin = opts.stdin ?? process.stdin;
  const stderr = opts.stderr ?? process.stderr;
  if (!stdin.isTTY) throw new UsageError(`no passphrase: set ${PASSPHRASE_ENV}, or run this at a terminal to type it`);
  const first = await readHidden(stdin, stderr, 'Passphrase: ');
  if (!opts.confirm) return first;
  const second = await readHidden(stdin, stderr, 'Passphrase again: ');
  if (first !== second) throw new UsageError('the two passphrases differ; nothing was written');
  return first;
}

/**
 * Reads one line at the terminal in raw mode, so nothing reaches the screen
 * unless `echo` (then the characters typed, as a normal prompt shows them);
 * Backspace and Ctrl-U edit, Ctrl-C aborts (130), Ctrl-D on an empty line is
 * a usage error saying `nothing` ("no passphrase was typed"). The value is
 * never written anywhere but returned.
 */
export function readLineAtTerminal(
  stdin: NodeJS.ReadStream,
  stderr: NodeJS.WriteStream,
  prompt: string,
  opts: { echo?: boolean; nothing?: string } = {},
): Promise<string> {
  const echo = opts.echo === true;
  // Raw mode before the prompt: what is typed (or pasted) as soon as the prompt shows is never echoed by the terminal.
  stdin.setRawMode(true);
  stdin.setEncoding('utf8');
  stderr.write(prompt);
  stdin.resume();
  return new Promise((resolve, reject) => {
    let value = '';
    const finish = () => {
      stdin.off('data', onData);
      stdin.setRawMode(false);
      stdin.pause();
      stderr.write('\n');
    };
    const onData = (chunk: string) => {
      for (const ch of chunk) {
        if (ch === '\r' || ch === '\n') {
          finish();
          resolve(value);
          return;
        }
        if (ch === '\u0003') {
          finish();
          reject(new Interrupted());
          return;
        }
        if (ch === '\u0004' && value === '') {
          finish();
          reject(new UsageError(opts.nothing ?? 'no passphrase was typed'));
          return;
        }
        if (ch === '\u007f' || ch === '\b') {
          const chars = [...value];
          if (echo && chars.length) stderr.write('\b \b');
          value = chars.slice(0, -1).join('');
        } else if (ch === '\u0015') {
          if (echo) stderr.write('\b \b'.repeat([...value].length));
          value = '';
        } else if (ch >= ' ') {
          value += ch;
          if (echo) stderr.write(ch);
        }
      }
    };
    stdin.on('data', onData);
  });
}

function readHidden(stdin: NodeJS.ReadStream, stderr: NodeJS.WriteStream, prompt: string): Promise<string> {
  return readLineAtTerminal(stdin, stderr, prompt);
}
