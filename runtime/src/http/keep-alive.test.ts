import { createServer } from 'node:http';
import { describe, expect, it } from 'vitest';
import { loadConfig } from '../config';
import { keepIdleConnections } from './keep-alive';

describe('idle keep-alive connections', () => {
  it('stay open 65 s by default, longer than a 60 s load balancer, and the setting is checked', () => {
    expect(loadConfig({}).keepAliveSeconds).toBe(65);
    expect(loadConfig({ PIPEWRIGHT_KEEP_ALIVE_SECONDS: '120' }).keepAliveSeconds).toBe(120);
    expect(() => loadConfig({ PIPEWRIGHT_KEEP_ALIVE_SECONDS: '5s' })).toThrow('PIPEWRIGHT_KEEP_ALIVE_SECONDS must be a positive integer; got "5s"');
  });

  it("set Node's server timeouts, headers waiting longer than idle connections", () => {
    const server = createServer();
    expect(server.keepAliveTimeout).toBe(5000); // Node's default, the one that reset reused connections
    keepIdleConnections(server, 65);
    expect([server.keepAliveTimeout, server.headersTimeout]).toEqual([65_000, 70_000]);
  });
});
