/**
 * A TCP proxy in front of the broker that can lose the answer to a Produce request: it forwards
 * the request (so the broker appends the batch) and then drops the connection instead of relaying
 * the response — the client cannot know the write happened, and an idempotent producer retries it.
 */
import { createServer, connect, type AddressInfo, type Server, type Socket } from 'node:net';

const PRODUCE = 0;

function frames(onFrame: (frame: Buffer) => void): (data: Buffer) => void {
  let pending = Buffer.alloc(0);
  return (data) => {
    pending = Buffer.concat([pending, data]);
    while (pending.length >= 4 && pending.length >= 4 + pending.readInt32BE(0)) {
      const size = 4 + pending.readInt32BE(0);
      onFrame(pending.subarray(0, size));
      pending = pending.subarray(size);
    }
  };
}

export class ResponseDroppingProxy {
  private readonly server: Server;
  private targetPort = 0;
  /** How many Produce responses to drop from now on. */
  dropProduceResponses = 0;
  produceRequests = 0;
  droppedResponses = 0;

  private constructor(server: Server) {
    this.server = server;
  }

  static async start(): Promise<ResponseDroppingProxy> {
    const server = createServer();
    const proxy = new ResponseDroppingProxy(server);
    server.on('connection', (client) => proxy.relay(client));
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    return proxy;
  }

  get port(): number {
    return (this.server.address() as AddressInfo).port;
  }

  forwardTo(port: number): void {
    this.targetPort = port;
  }

  private relay(client: Socket): void {
    const upstream = connect(this.targetPort, '127.0.0.1');
    const doomed = new Set<number>();
    const close = () => {
      client.destroy();
      upstream.destroy();
    };
    client.on('error', close);
    upstream.on('error', close);
    client.on('close', close);
    upstream.on('close', close);
    client.on(
      'data',
      frames((frame) => {
        if (frame.readInt16BE(4) === PRODUCE) {
          this.produceRequests++;
          if (this.dropProduceResponses > 0) {
            this.dropProduceResponses--;
            doomed.add(frame.readInt32BE(8));
          }
        }
        upstream.write(frame);
      }),
    );
    upstream.on(
      'data',
      frames((frame) => {
        if (doomed.has(frame.readInt32BE(4))) {
          this.droppedResponses++;
          close();
          return;
        }
        client.write(frame);
      }),
    );
  }

  close(): Promise<void> {
    return new Promise((resolve) => this.server.close(() => resolve()));
  }
}
