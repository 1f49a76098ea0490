import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { fetchModel } from '../../src/viewer/fetch-model.ts';

describe('fetchModel', () => {
  let server: Server;
  let base: string;
  beforeAll(async () => {
    server = createServer((request, response) => {
      if (request.url === '/model') return response.end(Buffer.from([1, 2, 3]));
      if (request.url === '/stalls-midway') {
        response.writeHead(200, { 'content-type': 'application/octet-stream', 'content-length': '100' });
        return response.write(Buffer.from([1, 2, 3]));
      }
      // '/never': no answer at all
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });
  afterAll(() => {
    server.closeAllConnections();
    server.close();
  });

  it('reads the bytes, and gives up on a server that does not send them in time, saying so', async () => {
    expect(Array.from(await fetchModel(`${base}/model`, 'm.safetensors', 2000))).toEqual([1, 2, 3]);
    await expect(fetchModel(`${base}/never`, 'never.safetensors', 300)).rejects.toThrow('the model never.safetensors did not arrive within 0.3 s');
    await expect(fetchModel(`${base}/stalls-midway`, 'stalls.safetensors', 300)).rejects.toThrow('the model stalls.safetensors did not arrive within 0.3 s');
  });
});
