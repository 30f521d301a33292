/**
 * Runs the real kubectl, as an independent client, against small test
 * servers that answer from the lab modules. Each run gets its own HOME and
 * discovery cache so that nothing leaks between runs or from the machine.
 */
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { notFoundPath } from '../../../main/lab/api-error.js';
import { discoveryResponse } from '../../../main/lab/discovery.js';
import { openApiV2, openApiV3Document, openApiV3Index } from '../../../main/lab/openapi.js';
import { runKubectl } from '../../support/kubectl.js';

// kubectl itself (where it is, how to run it) lives in test/support, for the integration tests too.
export { KUBECTL, runKubectl, type KubectlResult } from '../../support/kubectl.js';

export interface RecordedRequest {
  method: string;
  url: string;
  accept?: string;
  contentType?: string;
  body: string;
}

export type Handler = (req: RecordedRequest, res: ServerResponse) => void;

/** A plain-HTTP server on 127.0.0.1 that records every request before handing it on. */
export async function recordingServer(handler: Handler): Promise<{ url: string; requests: RecordedRequest[]; close: () => Promise<void> }> {
  const requests: RecordedRequest[] = [];
  const server = createServer((req: IncomingMessage, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const recorded: RecordedRequest = {
        method: req.method ?? 'GET',
        url: req.url ?? '/',
        accept: req.headers.accept,
        contentType: req.headers['content-type'],
        body: Buffer.concat(chunks).toString('utf8'),
      };
      requests.push(recorded);
      handler(recorded, res);
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    requests,
    close: () => new Promise((resolve) => server.close(() => resolve())),
  };
}

export function sendJson(res: ServerResponse, code: number, body: unknown, contentType = 'application/json'): void {
  res.writeHead(code, { 'Content-Type': contentType });
  res.end(JSON.stringify(body));
}

/**
 * Answers discovery and OpenAPI requests from the lab modules, as the lab API
 * server does; false for any other request, which the test then answers.
 */
export function serveDiscoveryAndOpenApi(req: RecordedRequest, res: ServerResponse): boolean {
  const path = req.url.split('?')[0];
  const send = (contentType: string, body: string | Buffer) => {
    res.writeHead(200, { 'Content-Type': contentType });
    res.end(body);
  };
  if (path === '/openapi/v3') {
    send('application/json', openApiV3Index());
    return true;
  }
  if (path.startsWith('/openapi/v3/')) {
    const doc = openApiV3Document(path.slice('/openapi/v3/'.length));
    if (doc === undefined) sendJson(res, 404, notFoundPath().toStatus());
    else send('application/json', doc);
    return true;
  }
  if (path === '/openapi/v2') {
    const v2 = openApiV2(req.accept);
    send(v2.contentType, v2.body);
    return true;
  }
  const discovery = discoveryResponse(path, req.accept);
  if (!discovery) return false;
  send(discovery.contentType ?? 'application/json', JSON.stringify(discovery.body));
  return true;
}

/**
 * The minor version of the kubectl that talks to `server`, whose behaviour
 * differs (20 for Debian's). Asked of the server-facing command, because
 * gcloud's kubectl dispatcher runs the kubectl release that matches the server.
 */
export async function kubectlMinor(server: string): Promise<number> {
  const { stdout } = await runKubectl(['version', '-o', 'json', '--server', server]);
  return Number.parseInt((JSON.parse(stdout) as { clientVersion: { minor: string } }).clientVersion.minor, 10);
}
