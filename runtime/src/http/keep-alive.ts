/** The timeouts of Node's HTTP server that govern idle keep-alive connections. */
export interface KeepAliveServer {
  keepAliveTimeout: number;
  headersTimeout: number;
}

/**
 * Keeps idle client connections open for `seconds` (Node closes them after 5 s by default). A
 * client or load balancer that reuses a connection just as the server closes it gets a reset, so
 * the server's idle timeout must be the longer one: then the other side always closes first.
 * `headersTimeout` must exceed it, or Node cuts a reused connection waiting for headers.
 *
 * @example
 * ```ts
 * keepIdleConnections(server as unknown as KeepAliveServer, config.keepAliveSeconds);
 * ```
 */
export function keepIdleConnections(server: KeepAliveServer, seconds: number): void {
  server.keepAliveTimeout = seconds * 1000;
  server.headersTimeout = seconds * 1000 + 5000;
}
