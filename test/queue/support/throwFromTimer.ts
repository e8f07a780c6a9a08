/**
 * Preloaded into a worker process by tests (`--import`): when the worker starts a request whose path
 * matches CAREERDATA_TEST_THROW_ON, a timer created right there throws — an error no job code can
 * catch, raised inside the job's async context.
 */
import diagnosticsChannel from 'node:diagnostics_channel';

const pattern = process.env.CAREERDATA_TEST_THROW_ON;
if (pattern) {
  const matches = new RegExp(pattern);
  diagnosticsChannel.subscribe('undici:request:create', (message) => {
    const { request } = message as { request: { path: string } };
    if (!matches.test(request.path)) return;
    setTimeout(() => {
      throw new Error(`thrown from a timer while requesting ${request.path}`);
    }, 0);
  });
}
