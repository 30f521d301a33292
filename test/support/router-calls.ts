/**
 * Calling the router as every shell does, for tests and benchmarks that
 * drive the services: `call` returns the result or throws with the error's
 * code and message; `failure` expects the call to fail and returns its error.
 */
import type { AppErrorDto, ArgsIn, Channel, ResultOf } from '../../shared/contract/index.js';
import type { Router } from '../../main/ipc/router.js';

export function routerCalls(router: () => Router) {
  return {
    async call<C extends Channel>(channel: C, args: ArgsIn<C>): Promise<ResultOf<C>> {
      const r = await router().invoke(channel, args, { transport: 'test' });
      if (!r.ok) throw new Error(`${channel}: ${r.error.code}: ${r.error.message}`);
      return r.result;
    },
    async failure<C extends Channel>(channel: C, args: ArgsIn<C>): Promise<AppErrorDto> {
      const r = await router().invoke(channel, args, { transport: 'test' });
      if (r.ok) throw new Error(`${channel} succeeded, but should have failed`);
      return r.error;
    },
  };
}
