/**
 * One client connection. Requests are handled strictly one after another and answered in order,
 * as Kafka guarantees per connection (a long-polling Fetch holds back the requests behind it, which
 * is what clients expect). Reading pauses while too much is queued, so a fast producer cannot make
 * the broker buffer without bound.
 */
import type { Socket } from 'node:net';
import type { BrokerContext } from '../broker-context.js';
import { FrameError, FrameSplitter } from './frame-splitter.js';
import { dispatchRequest, RequestRejected } from './request-dispatcher.js';

const MAX_QUEUED_FRAMES = 256;
const MAX_QUEUED_BYTES = 64 * 1024 * 1024;

export class Connection {
  private readonly socket: Socket;
  private readonly broker: BrokerContext;
  private readonly splitter: FrameSplitter;
  private readonly queue: Buffer[] = [];
  private queuedBytes = 0;
  private processing = false;
  private closed = false;
  readonly remote: string;

  constructor(socket: Socket, broker: BrokerContext, maxFrameBytes: number) {
    this.socket = socket;
    this.broker = broker;
    this.splitter = new FrameSplitter(maxFrameBytes);
    this.remote = `${socket.remoteAddress ?? '?'}:${socket.remotePort ?? '?'}`;
    socket.setNoDelay(true);
    socket.on('data', (data: Buffer) => this.onData(data));
    socket.on('error', (error) =>
      this.broker.logger.info({ remote: this.remote, error: error.message }, 'connection error'),
    );
    socket.on('close', () => {
      this.closed = true;
      this.queue.length = 0;
    });
    socket.on('drain', () => this.maybeResume());
  }

  private onData(data: Buffer): void {
    this.broker.metrics.networkBytesIn.inc(data.length);
    let frames: Buffer[];
    try {
      frames = this.splitter.push(data);
    } catch (error) {
      if (!(error instanceof FrameError)) throw error;
      this.reject(error.message);
      return;
    }
    for (const frame of frames) {
      this.queue.push(frame);
      this.queuedBytes += frame.length;
    }
    if (this.queue.length > MAX_QUEUED_FRAMES || this.queuedBytes + this.splitter.bufferedBytes > MAX_QUEUED_BYTES)
      this.socket.pause();
    if (!this.processing) void this.drainQueue();
  }

  private maybeResume(): void {
    if (this.closed || this.socket.writableNeedDrain) return;
    if (this.queue.length <= MAX_QUEUED_FRAMES / 2 && this.queuedBytes <= MAX_QUEUED_BYTES / 2) this.socket.resume();
  }

  private async drainQueue(): Promise<void> {
    this.processing = true;
    try {
      while (!this.closed) {
        const frame = this.queue.shift();
        if (frame === undefined) break;
        this.queuedBytes -= frame.length;
        let response: Buffer[] | null;
        try {
          response = await dispatchRequest(frame, this.broker, this.socket.remoteAddress ?? '');
        } catch (error) {
          if (error instanceof RequestRejected) {
            this.reject(error.message);
          } else {
            this.broker.metrics.requestErrors.inc();
            this.broker.logger.error(
              { remote: this.remote, error: (error as Error).stack ?? String(error) },
              'request handler failed; closing connection',
            );
            this.socket.destroy();
          }
          return;
        }
        if (response !== null && !this.closed) this.write(response);
        if (this.socket.isPaused() && !this.socket.writableNeedDrain) this.maybeResume();
      }
    } finally {
      this.processing = false;
    }
  }

  private write(chunks: Buffer[]): void {
    let bytes = 0;
    this.socket.cork();
    for (const chunk of chunks) {
      bytes += chunk.length;
      this.socket.write(chunk);
    }
    this.socket.uncork();
    this.broker.metrics.networkBytesOut.inc(bytes);
    if (this.socket.writableNeedDrain) this.socket.pause();
  }

  private reject(reason: string): void {
    this.broker.metrics.requestErrors.inc();
    this.broker.logger.warn({ remote: this.remote, reason }, 'closing connection');
    this.closed = true;
    this.queue.length = 0;
    this.socket.destroy();
  }

  close(): void {
    this.closed = true;
    this.socket.destroy();
  }
}
