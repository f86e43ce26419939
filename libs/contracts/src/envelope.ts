import { randomUUID } from 'node:crypto';

import {
  IsISO8601,
  IsObject,
  IsOptional,
  IsString,
  IsUUID,
  Matches,
  MaxLength,
} from 'class-validator';

import { ROUTING_KEY_PATTERN, type RoutingKey } from './routing-keys';

/** What travels on the broker: metadata around one contract payload. */
export class EventEnvelope<TData extends object = object> {
  /** Stable id: redeliveries and republishes keep it, so consumers can dedupe on it. */
  @IsUUID()
  id!: string;

  @IsString()
  @Matches(ROUTING_KEY_PATTERN)
  type!: RoutingKey;

  @IsISO8601()
  occurredAt!: string;

  /** Follows one customer action across services (push → ticket → reply). */
  @IsString()
  @MaxLength(100)
  correlationId!: string;

  @IsOptional()
  @IsString()
  @MaxLength(100)
  causationId?: string;

  @IsObject()
  data!: TData;
}

export function createEnvelope<TData extends object>(
  type: RoutingKey,
  data: TData,
  context: { correlationId?: string; causationId?: string; id?: string; occurredAt?: Date } = {},
): EventEnvelope<TData> {
  const id = context.id ?? randomUUID();
  return {
    id,
    type,
    occurredAt: (context.occurredAt ?? new Date()).toISOString(),
    correlationId: context.correlationId ?? id,
    ...(context.causationId === undefined ? {} : { causationId: context.causationId }),
    data,
  };
}
