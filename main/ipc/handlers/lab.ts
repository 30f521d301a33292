import type { LabMode } from '../../clusters/lab-mode.js';
import type { HandlerMap } from '../types.js';

/** `lab:start`, `lab:status`, `lab:stop`. */
export function labHandlers(lab: LabMode): HandlerMap<'lab:start' | 'lab:status' | 'lab:stop'> {
  return {
    'lab:start': (args) => lab.start(args.clusters),
    'lab:status': () => lab.status(),
    'lab:stop': async () => {
      await lab.stop();
      return lab.status();
    },
  };
}
