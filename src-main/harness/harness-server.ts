/**
 * The browser harness: a core on a data dir, the built renderer served over HTTP, and the
 * contract carried over a WebSocket, so a real browser can drive the real app without Electron.
 * It listens on loopback only and accepts sockets only from its own origin.
 */
import { readFile, stat } from 'node:fs/promises';
import { createServer, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import path from 'node:path';
import { WebSocketServer, type WebSocket } from 'ws';
import { decodeWire, encodeWire, type WireRequest } from '../../src-preload/wire-codec.js';
import { createCore, type Core, type CoreOptions } from '../core.js';

export interface HarnessOptions extends Omit<CoreOptions, 'isTrustedFrame'> {
  rendererDir: string;
  port?: number;
}

export interface Harness {
  url: string;
  core: Core;
  close(): Promise<void>;
}

const MIME: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.woff2': 'font/woff2',
  '.json': 'application/json',
};

export async function startHarness(opts: HarnessOptions): Promise<Harness> {
  const rendererDir = path.resolve(opts.rendererDir);
  await stat(path.join(rendererDir, 'index.html')).catch(() => {
    throw new Error(`No built renderer in ${rendererDir}: run "npm run build" first.`);
  });

  let origin = '';
  const { rendererDir: _r, port = 0, ...coreOptions } = opts;
  const core = await createCore({ ...coreOptions, isTrustedFrame: (url) => url === origin });

  const server: Server = createServer((req, res) => {
    void serveStatic(rendererDir, req).then(
      ({ status, body, type }) => {
        res.writeHead(status, { 'Content-Type': type, 'Cache-Control': 'no-store' });
        res.end(body);
      },
      () => {
        res.writeHead(500);
        res.end();
      },
    );
  });

  const wss = new WebSocketServer({ noServer: true, maxPayload: 256 * 1024 * 1024 });
  server.on('upgrade', (req, socket, head) => {
    if (req.url !== '/__qd' || req.headers.origin !== origin) {
      socket.destroy();
      return;
    }
    wss.handleUpgrade(req, socket, head, (ws) => attach(ws, core, origin));
  });

  await new Promise<void>((resolve) => server.listen(port, '127.0.0.1', resolve));
  origin = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;

  return {
    url: `${origin}/`,
    core,
    async close() {
      for (const c of wss.clients) c.terminate();
      wss.close();
      await new Promise<void>((resolve) => server.close(() => resolve()));
      await core.close();
    },
  };
}

function attach(ws: WebSocket, core: Core, origin: string): void {
  const off = core.onAny((event, payload) => ws.send(encodeWire({ event, payload })));
  ws.on('close', off);
  ws.on('message', (raw) => {
    let req: WireRequest;
    try {
      req = decodeWire(String(raw)) as WireRequest;
    } catch {
      return; // not our protocol; nothing to answer
    }
    void core.invoke(req.channel, req.input, { frameUrl: origin }).then((result) => {
      if (ws.readyState === ws.OPEN) ws.send(encodeWire({ id: req.id, result }));
    });
  });
}

async function serveStatic(
  root: string,
  req: IncomingMessage,
): Promise<{ status: number; body: Buffer | string; type: string }> {
  const urlPath = decodeURIComponent(new URL(req.url ?? '/', 'http://x').pathname);
  const rel = urlPath === '/' ? 'index.html' : urlPath.replace(/^\/+/, '');
  const file = path.resolve(root, rel);
  if (!file.startsWith(root + path.sep)) return { status: 403, body: 'forbidden', type: 'text/plain' };
  try {
    return {
      status: 200,
      body: await readFile(file),
      type: MIME[path.extname(file)] ?? 'application/octet-stream',
    };
  } catch {
    return { status: 404, body: 'not found', type: 'text/plain' };
  }
}
