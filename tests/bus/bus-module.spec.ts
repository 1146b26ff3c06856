import 'reflect-metadata';
import { Injectable, Module } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { type Broker, startBroker } from '@xreason/broker';
import { BUS, Bus, BusModule, type MessageContext, type TopicHandler } from '@xreason/bus';
import { type MessageOf, StageEventTopic, TOPICS } from '@xreason/contracts';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { waitFor } from '../kafka/kafka-helpers.js';

const received: string[] = [];

@Injectable()
class StageEventRecorder implements TopicHandler<typeof StageEventTopic> {
  readonly topic = StageEventTopic;
  readonly groupId = 'module-test-operator';
  async handle(message: MessageOf<typeof StageEventTopic>, context: MessageContext) {
    received.push(`${message.payload.stage}@${context.topic}`);
  }
}

describe('BusModule', () => {
  let broker: Broker;
  beforeAll(async () => {
    broker = await startBroker({ port: 0, memory: true });
  });
  afterAll(async () => broker?.close());

  it('starts a consumer per declared handler, publishes through the injected Bus, and stops on close', async () => {
    @Module({
      imports: [
        BusModule.forRoot({
          connection: { brokers: [broker.bootstrapServers], clientId: 'module-test' },
          handlers: [StageEventRecorder],
          ensureTopics: TOPICS,
        }),
      ],
    })
    class AppModule {}

    const app = await NestFactory.createApplicationContext(AppModule, { logger: false });
    await app.init();
    const bus = app.get<Bus>(BUS);
    expect(bus).toBeInstanceOf(Bus);
    await bus.publisher.publish(StageEventTopic, {
      runId: 'run-m',
      payload: { stage: 'eval', attempt: 1, phase: 'Succeeded' },
    });
    await waitFor('the handler to run', () => received.length > 0, 30_000);
    expect(received).toEqual([`eval@${StageEventTopic.name}`]);
    await app.close();
    await expect(
      bus.publisher.publish(StageEventTopic, { runId: 'run-m', payload: { stage: 'x', attempt: 1, phase: 'Running' } }),
    ).rejects.toThrow();
  }, 60_000);
});
