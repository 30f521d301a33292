/**
 * The handoff passphrase: from FLOTILLA_PASSPHRASE (scripts), or typed at
 * the terminal without echo. Never an option: a command line is visible to
 * every user of the machine (ps) and stays in shell history.
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

/** Reads one line in raw mode, echoing nothing; Backspace and Ctrl-U edit, Ctrl-C aborts. */
function readHidden(stdin: NodeJS.ReadStream, stderr: NodeJS.WriteStream, prompt: string): Promise<string> {
  stderr.write(prompt);
  stdin.setRawMode(true);
  stdin.setEncoding('utf8');
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
          reject(new UsageError('no passphrase was typed'));
          return;
        }
        if (ch === '\u007f' || ch === '\b') value = [...value].slice(0, -1).join('');
        else if (ch === '\u0015') value = '';
        else if (ch >= ' ') value += ch;
      }
    };
    stdin.on('data', onData);
  });
}
