import {
  type BeforeApplicationShutdown,
  type DynamicModule,
  Inject,
  Injectable,
  Module,
  type OnApplicationBootstrap,
  Optional,
  type Provider,
  type Type as ClassType,
} from '@nestjs/common';
import { ModuleRef } from '@nestjs/core';
import type { IdempotencyStore, MessageOf, TopicContract } from '@xreason/contracts';
import { Bus } from './bus.js';
import type { BusConnectionOptions } from './connection.js';
import type { RetryPolicy } from './retry-policy.js';
import type { MessageContext } from './topic-consumer.js';

/**
 * A service's handler for one topic: a Nest provider listed in `BusModule.forRoot({ handlers })`.
 * Each gets its own consumer (one topic, one group), so a slow topic never blocks another — unlike
 * Nest's built-in Kafka transport, which runs every topic through one consumer, one message at a time.
 */
export interface TopicHandler<C extends TopicContract = TopicContract, Transaction = unknown> {
  readonly topic: C;
  readonly groupId: string;
  readonly concurrency?: number;
  readonly retry?: Partial<RetryPolicy>;
  handle(message: MessageOf<C>, context: MessageContext<Transaction>): Promise<void>;
}

export const BUS = Symbol.for('@xreason/bus');
export const BUS_IDEMPOTENCY_STORE = Symbol.for('@xreason/bus:idempotency-store');
const BUS_HANDLER_TYPES = Symbol.for('@xreason/bus:handler-types');
const BUS_OPTIONS = Symbol.for('@xreason/bus:options');

export interface BusModuleOptions {
  connection: BusConnectionOptions;
  handlers?: ClassType<TopicHandler>[];
  /** Create the handled topics (and their DLQs) at start-up; for local mode and tests. */
  ensureTopics?: readonly TopicContract[];
}

@Injectable()
class BusLifecycle implements OnApplicationBootstrap, BeforeApplicationShutdown {
  constructor(
    @Inject(BUS) private readonly bus: Bus,
    @Inject(BUS_OPTIONS) private readonly options: BusModuleOptions,
    @Inject(BUS_HANDLER_TYPES) private readonly handlerTypes: ClassType<TopicHandler>[],
    private readonly moduleRef: ModuleRef,
    @Optional() @Inject(BUS_IDEMPOTENCY_STORE) private readonly idempotency?: IdempotencyStore,
  ) {}

  async onApplicationBootstrap(): Promise<void> {
    if (this.options.ensureTopics?.length) await this.bus.ensureTopics(this.options.ensureTopics);
    for (const type of this.handlerTypes) {
      const handler = this.moduleRef.get(type, { strict: false });
      await this.bus.consume({
        topic: handler.topic,
        groupId: handler.groupId,
        concurrency: handler.concurrency,
        retry: handler.retry,
        idempotency: this.idempotency,
        handler: (message, context) => handler.handle(message, context),
      });
    }
  }

  async beforeApplicationShutdown(): Promise<void> {
    await this.bus.close();
  }
}

@Module({})
export class BusModule {
  static forRoot(options: BusModuleOptions): DynamicModule {
    const handlers = options.handlers ?? [];
    const providers: Provider[] = [
      { provide: BUS_OPTIONS, useValue: options },
      { provide: BUS_HANDLER_TYPES, useValue: handlers },
      { provide: BUS, useFactory: () => Bus.connect(options.connection) },
      ...handlers,
      BusLifecycle,
    ];
    return { module: BusModule, global: true, providers, exports: [BUS] };
  }
}
