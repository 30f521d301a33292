import { AppError, type kubeconfigChannels } from '../../../shared/contract/index.js';
import type { ImportDialogs, ImportService } from '../../kubeconfig/import-service.js';
import type { HandlerMap } from '../types.js';

type KubeconfigChannel = keyof typeof kubeconfigChannels;

/** The `kubeconfig:*` handlers over `service`; the pickers answer UNSUPPORTED without `dialogs`. */
export function kubeconfigHandlers(service: ImportService, deps: { dialogs?: ImportDialogs } = {}): HandlerMap<KubeconfigChannel> {
  const noDialogs = () =>
    new AppError('UNSUPPORTED', 'File and folder pickers are only available in the desktop app; type the path of the file or folder instead.');
  return {
    'kubeconfig:scan': ({ source }) => service.scan(source),
    'kubeconfig:test': ({ scanId, candidateIds }) => service.test(scanId, candidateIds),
    'kubeconfig:import': ({ scanId, selections }) => service.import(scanId, selections),
    'kubeconfig:discard': ({ scanId }) => {
      service.discard(scanId);
      return null;
    },
    'kubeconfig:pick-files': async () => {
      if (!deps.dialogs) throw noDialogs();
      return deps.dialogs.pickFiles();
    },
    'kubeconfig:pick-folder': async () => {
      if (!deps.dialogs) throw noDialogs();
      return deps.dialogs.pickFolder();
    },
  };
}

