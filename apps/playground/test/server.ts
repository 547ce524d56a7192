// A static file server for the built page, as a plain static host would serve it, plus the
// page's Content-Security-Policy header. Listens on 127.0.0.1 only, on a free port.
import { readFile } from 'node:fs/promises';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { extname, join, normalize, sep } from 'node:path';

const TYPES: Readonly<Record<string, string>> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.wasm': 'application/wasm',
  '.json': 'application/json',
};

export interface StaticServer {
  /** The address of the folder's root, ending in '/'. */
  readonly url: string;
  close(): Promise<void>;
}

/**
 * Serve the files under `root` with `csp` as every response's Content-Security-Policy.
 *
 * @example
 * const server = await serveStatic('apps/playground/dist', "default-src 'self'");
 */
export async function serveStatic(root: string, csp: string): Promise<StaticServer> {
  const base = normalize(root) + sep;
  const server: Server = createServer((req, res) => {
    const path = decodeURIComponent(new URL(req.url ?? '/', 'http://localhost').pathname);
    const file = normalize(join(base, path.endsWith('/') ? `${path}index.html` : path));
    if (!file.startsWith(base)) {
      res.writeHead(403).end();
      return;
    }
    readFile(file).then(
      (body) => {
        res.writeHead(200, {
          'Content-Type': TYPES[extname(file)] ?? 'application/octet-stream',
          'Content-Security-Policy': csp,
          'Cache-Control': 'no-store',
        });
        res.end(body);
      },
      () => {
        res.writeHead(404, { 'Content-Type': 'text/plain', 'Content-Security-Policy': csp });
        res.end(`not found: ${path}`);
      },
    );
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}/`,
    close: () => new Promise((resolve) => server.close(() => resolve())),
  };
}
