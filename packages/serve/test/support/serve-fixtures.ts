/**
 * Shared by the serve tests: a config file written from an object, the shipped model, a PACS that
 * accepts connections and never answers (the one fault a real server cannot produce on demand).
 */
import { writeFile } from 'node:fs/promises';
import { createServer, type Server, type Socket } from 'node:net';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { stringify } from 'yaml';

export const DEFAULT_MODEL = fileURLToPath(new URL('../../../../models/prostate_mpmri.onnx', import.meta.url));

export async function writeConfig(dir: string, config: object, name = 'config-api.yaml'): Promise<string> {
  const path = join(dir, name);
  await writeFile(path, stringify(config));
  return path;
}

/** A TCP server that takes connections and never answers; `connected` resolves at the first one. */
export async function silentServer(): Promise<{ url: string; connected: Promise<void>; close: () => Promise<void> }> {
  const sockets: Socket[] = [];
  let signal!: () => void;
  const connected = new Promise<void>((resolve) => (signal = resolve));
  const server: Server = createServer((socket) => {
    sockets.push(socket);
    socket.on('error', () => undefined);
    signal();
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as { port: number };
  return {
    url: `http://127.0.0.1:${port}`,
    connected,
    close: () =>
      new Promise<void>((resolve) => {
        for (const socket of sockets) socket.destroy();
        server.close(() => resolve());
      }),
  };
}
