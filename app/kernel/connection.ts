/**
 * The connection file a kernel is started with (Jupyter client docs, "Connection files"): five free
 * TCP ports on loopback and an HMAC-SHA256 key, written with owner-only permissions.
 */
import { randomBytes } from 'node:crypto';
import { writeFileSync } from 'node:fs';
import { createServer, type AddressInfo } from 'node:net';

export interface ConnectionInfo {
  transport: 'tcp';
  ip: string;
  shell_port: number;
  iopub_port: number;
  stdin_port: number;
  control_port: number;
  hb_port: number;
  key: string;
  signature_scheme: 'hmac-sha256';
  kernel_name: string;
}

/** `count` distinct ports that were free a moment ago (the kernel binds them right after). */
export async function freePorts(count: number, host = '127.0.0.1'): Promise<number[]> {
  const servers = await Promise.all(Array.from({ length: count }, () => new Promise<ReturnType<typeof createServer>>((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, host, () => resolve(server));
  })));
  const ports = servers.map((s) => (s.address() as AddressInfo).port);
  await Promise.all(servers.map((s) => new Promise<void>((done) => s.close(() => done()))));
  return ports;
}

export async function newConnectionInfo(kernelName: string): Promise<ConnectionInfo> {
  const [shell, iopub, stdin, control, hb] = (await freePorts(5)) as [number, number, number, number, number];
  return {
    transport: 'tcp', ip: '127.0.0.1',
    shell_port: shell, iopub_port: iopub, stdin_port: stdin, control_port: control, hb_port: hb,
    key: randomBytes(32).toString('hex'), signature_scheme: 'hmac-sha256', kernel_name: kernelName,
  };
}

export function writeConnectionFile(path: string, info: ConnectionInfo): void {
  writeFileSync(path, `${JSON.stringify(info, null, 2)}\n`, { mode: 0o600 });
}

export function endpoint(info: ConnectionInfo, port: number): string {
  return `${info.transport}://${info.ip}:${port}`;
}
