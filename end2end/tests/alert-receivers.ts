// What the alert spec sends alerts to: a webhook receiver in this process that records each
// request, and Python's aiosmtpd as a local SMTP server, whose Debugging handler prints each
// message it accepts.
import { spawn, type ChildProcess } from 'node:child_process';
import { createServer, type IncomingHttpHeaders, type Server } from 'node:http';
import { connect, type AddressInfo } from 'node:net';

const python = process.env.BIFROST_PYTHON ?? 'python3';

export type Hook = { headers: IncomingHttpHeaders; body: string };
export type WebhookReceiver = { url: string; hooks: Hook[]; close: () => void };

export function startWebhookReceiver(): Promise<WebhookReceiver> {
  const hooks: Hook[] = [];
  const server: Server = createServer((request, response) => {
    let body = '';
    request.on('data', (chunk) => (body += chunk));
    request.on('end', () => {
      hooks.push({ headers: request.headers, body });
      response.writeHead(204).end();
    });
  });
  return new Promise((resolve) =>
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as AddressInfo;
      resolve({ url: `http://127.0.0.1:${port}/hook`, hooks, close: () => server.close() });
    }),
  );
}

export type SmtpReceiver = { port: number; output: () => string; close: () => void };

/** aiosmtpd on `port`, ready once it has bound its socket. */
export async function startSmtpReceiver(port: number): Promise<SmtpReceiver> {
  const child: ChildProcess = spawn(python, ['-m', 'aiosmtpd', '-n', '-l', `127.0.0.1:${port}`, '-c', 'aiosmtpd.handlers.Debugging'], {
    stdio: ['ignore', 'pipe', 'pipe'],
    env: { ...process.env, PYTHONUNBUFFERED: '1' },
  });
  let output = '';
  child.stdout?.on('data', (chunk) => (output += chunk));
  child.stderr?.on('data', (chunk) => (output += chunk));
  for (let tries = 0; tries < 100; tries += 1) {
    const ready = await new Promise<boolean>((resolve) => {
      const socket = connect(port, '127.0.0.1');
      socket.once('connect', () => { socket.end(); resolve(true); });
      socket.once('error', () => resolve(false));
    });
    if (ready) return { port, output: () => output, close: () => child.kill() };
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  child.kill();
  throw new Error(`aiosmtpd did not start: ${output}`);
}
