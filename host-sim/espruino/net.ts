// `require("net")` and `require("tls")` backed by real Node sockets, with Espruino's surface: `data` events carry
// binary strings, `write` always returns false, errors are {code, message} with Espruino's negative codes.
// TLS deliberately does NOT verify the server and sends no SNI, exactly like stock Espruino (libs/network/network.c,
// ssl_newSocketData: authmode MBEDTLS_SSL_VERIFY_NONE, hostname fixed to "mbed TLS Server 1"): tests must not get
// authenticity from the channel. Keys and certificates are DER binary strings, as on the device.
import net from 'node:net';
import tls from 'node:tls';
import { Listeners, type Runtime } from './runtime';
import { toHostBytes, toBinaryString } from './bytes';

/** Espruino socket error codes (libs/network: SOCKET_ERR_*). */
export const SOCKET_ERRORS: { [code: number]: string } = {
  [-1]: 'closed', [-2]: 'out of memory', [-3]: 'timeout', [-4]: 'no route', [-5]: 'busy', [-6]: 'not found',
  [-7]: 'max sockets', [-8]: 'unsent data', [-9]: 'connection reset', [-10]: 'unknown error', [-11]: 'no connection',
  [-12]: 'bad argument', [-13]: 'SSL handshake failed', [-14]: 'invalid SSL data',
};

function espruinoCode(err: NodeJS.ErrnoException, isTls: boolean): number {
  switch (err.code) {
    case 'ECONNREFUSED': return -11;
    case 'ECONNRESET': case 'EPIPE': return -9;
    case 'ETIMEDOUT': return -3;
    case 'ENOTFOUND': case 'EAI_AGAIN': return -6;
    case 'EHOSTUNREACH': case 'ENETUNREACH': return -4;
    default: return isTls ? -13 : -10;
  }
}

function derToPem(der: string, label: string): string {
  const b64 = Buffer.from(toHostBytes(der)).toString('base64');
  return '-----BEGIN ' + label + '-----\n' + (b64.match(/.{1,64}/g) ?? []).join('\n') + '\n-----END ' + label + '-----\n';
}

export class SimSocket {
  private readonly listeners = new Listeners();
  private closed = false;

  constructor(
    runtime: Runtime,
    private readonly socket: net.Socket,
    isTls: boolean,
    onConnect: (() => void) | undefined,
  ) {
    const connectEvent = isTls ? 'secureConnect' : 'connect';
    socket.on(connectEvent, () => {
      if (onConnect) runtime.invoke(onConnect, []);
      this.listeners.emit(runtime, 'connect', []);
    });
    socket.on('data', (d: Buffer) => this.listeners.emit(runtime, 'data', [toBinaryString(d)]));
    socket.on('end', () => this.listeners.emit(runtime, 'end', []));
    socket.on('error', (err: NodeJS.ErrnoException) => {
      const code = espruinoCode(err, isTls);
      this.listeners.emit(runtime, 'error', [{ code, message: SOCKET_ERRORS[code] }]);
    });
    socket.on('close', (hadError: boolean) => {
      if (this.closed) return;
      this.closed = true;
      this.listeners.emit(runtime, 'close', [hadError]);
    });
  }

  on(event: string, fn: (...args: any[]) => void): void {
    this.listeners.on(event, fn);
  }

  removeAllListeners(event?: string): void {
    this.listeners.removeAllListeners(event);
  }

  write(data: unknown): boolean {
    if (!this.socket.destroyed) this.socket.write(Buffer.from(toHostBytes(data)));
    return false;
  }

  end(data?: unknown): void {
    if (data !== undefined) this.write(data);
    this.socket.end();
  }
}

export function netModule(runtime: Runtime): object {
  return {
    connect(options: { host: string; port: number }, cb?: () => void): SimSocket {
      return new SimSocket(runtime, net.connect({ host: options.host, port: options.port }), false, cb);
    },
  };
}

export function tlsModule(runtime: Runtime): object {
  return {
    connect(options: { host: string; port: number; ca?: string; key?: string; cert?: string }, cb?: () => void): SimSocket {
      const socket = tls.connect({
        host: options.host,
        port: options.port,
        ca: options.ca ? derToPem(options.ca, 'CERTIFICATE') : undefined,
        cert: options.cert ? derToPem(options.cert, 'CERTIFICATE') : undefined,
        key: options.key ? derToPem(options.key, 'PRIVATE KEY') : undefined,
        rejectUnauthorized: false,
        servername: '',
      });
      return new SimSocket(runtime, socket, true, cb);
    },
  };
}
