import { type Static, type TSchema, Type } from '@sinclair/typebox';

/**
 * Every Kafka message is an envelope: who it is about (runId, also the message key so a run's
 * messages stay ordered in one partition), which schema version the payload follows, and a unique
 * id that idempotent consumers record in `processed_messages`.
 */
export function EnvelopeSchema<T extends TSchema>(type: string, version: number, payload: T) {
  return Type.Object({
    messageId: Type.String({ minLength: 1 }),
    type: Type.Literal(type),
    schemaVersion: Type.Literal(version),
    runId: Type.String({ minLength: 1 }),
    occurredAt: Type.String({ format: 'date-time' }),
    payload,
  });
}

export interface TopicContract<T extends TSchema = TSchema> {
  /** Kafka topic name: `xreason.<area>.<what>.v<major>`; a breaking change is a new topic. */
  readonly name: string;
  readonly messageType: string;
  readonly schemaVersion: number;
  readonly schema: T;
  readonly description: string;
}

export function defineTopic<T extends TSchema>(
  name: string,
  messageType: string,
  schemaVersion: number,
  payload: T,
  description: string,
): TopicContract<ReturnType<typeof EnvelopeSchema<T>>> {
  if (!name.endsWith(`.v${schemaVersion}`)) {
    throw new Error(`topic "${name}" must end with its schema major version ".v${schemaVersion}"`);
  }
  return { name, messageType, schemaVersion, schema: EnvelopeSchema(messageType, schemaVersion, payload), description };
}

/** The fields every envelope has, whatever its payload. */
export interface EnvelopeBase {
  messageId: string;
  type: string;
  schemaVersion: number;
  runId: string;
  occurredAt: string;
  payload: unknown;
}

export type MessageOf<C extends TopicContract> = Static<C['schema']> & EnvelopeBase;
export type PayloadOf<C extends TopicContract> = MessageOf<C>['payload'];

/** Where a consumer parks a message it cannot process, with the reason in headers. */
export function deadLetterTopic(topic: string): string {
  return `${topic}.dlq`;
}
