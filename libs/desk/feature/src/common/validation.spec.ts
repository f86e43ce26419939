import type { ArgumentMetadata, Type } from '@nestjs/common';

import { CreateAgentDto } from '../agents/create-agent/create-agent.dto';
import { LoginDto } from '../auth/login/login.dto';
import { CreateChannelDto } from '../channels/create-channel/create-channel.dto';
import { CreateDepartmentDto } from '../departments/create-department/create-department.dto';
import { ListTicketsQuery } from '../tickets/list-tickets/list-tickets.query';
import { SendReplyDto } from '../tickets/send-reply/send-reply.dto';
import { DeskError } from './desk-error';
import { RequestValidationPipe } from './validation';

const pipe = new RequestValidationPipe();

function body<T>(metatype: Type<T>): ArgumentMetadata {
  return { type: 'body', metatype };
}

/** The field problems of a refused value (fails the test if the value passes). */
async function problems(
  value: unknown,
  metadata: ArgumentMetadata,
): Promise<Record<string, string[]>> {
  try {
    await pipe.transform(value, metadata);
  } catch (error) {
    expect(error).toBeInstanceOf(DeskError);
    const deskError = error as DeskError;
    expect(deskError.getStatus()).toBe(422);
    expect(deskError.code).toBe('VALIDATION_FAILED');
    return (deskError.details as { fields: Record<string, string[]> }).fields;
  }
  throw new Error('expected the value to be refused');
}

const channel = {
  name: '  Support  ',
  originalId: 'gh_97417a04a28d',
  appId: 'wx1234567890abcdef',
  appSecret: '0123456789abcdef0123456789abcdef',
  departmentId: '6b0c9d3e-1f35-4a8e-9c1e-2f8f0c5e7a10',
};

describe(RequestValidationPipe.name, () => {
  describe('CreateChannelDto', () => {
    it('accepts a valid channel, trims the name and leaves the optional modes unset', async () => {
      const dto = (await pipe.transform(channel, body(CreateChannelDto))) as CreateChannelDto;
      expect(dto).toBeInstanceOf(CreateChannelDto);
      expect(dto.name).toBe('Support');
      expect(dto.encryptionMode).toBeUndefined();
    });

    it('names every malformed credential', async () => {
      const fields = await problems(
        {
          ...channel,
          originalId: 'gh_97417A04A28D',
          appId: 'wx123',
          appSecret: 'x'.repeat(32),
          departmentId: 'sales',
          encryptionMode: 'aes',
          replyPolicy: 'never',
        },
        body(CreateChannelDto),
      );
      expect(Object.keys(fields).sort()).toEqual(
        [
          'appId',
          'appSecret',
          'departmentId',
          'encryptionMode',
          'originalId',
          'replyPolicy',
        ].sort(),
      );
      expect(fields['appSecret']).toEqual(['appSecret must be 32 lower-case hex digits']);
    });

    it('refuses an empty or over-long name, and unknown fields', async () => {
      expect(
        Object.keys(await problems({ ...channel, name: '   ' }, body(CreateChannelDto))),
      ).toEqual(['name']);
      expect(
        Object.keys(await problems({ ...channel, name: 'n'.repeat(101) }, body(CreateChannelDto))),
      ).toEqual(['name']);
      const fields = await problems({ ...channel, token: 'mine' }, body(CreateChannelDto));
      expect(fields['token']).toEqual(['property token should not exist']);
    });

    it('lists every missing field of an absent body', async () => {
      const fields = await problems(undefined, body(CreateChannelDto));
      expect(Object.keys(fields).sort()).toEqual([
        'appId',
        'appSecret',
        'departmentId',
        'name',
        'originalId',
      ]);
    });
  });

  describe('SendReplyDto', () => {
    it('trims the text and accepts 1 to 2048 characters', async () => {
      const dto = (await pipe.transform(
        { type: 'text', text: '  hi  ' },
        body(SendReplyDto),
      )) as SendReplyDto;
      expect(dto.text).toBe('hi');
      await expect(
        pipe.transform({ type: 'text', text: 'x'.repeat(2048) }, body(SendReplyDto)),
      ).resolves.toBeDefined();
    });

    it('refuses blank or too long text and other types', async () => {
      expect(
        Object.keys(await problems({ type: 'text', text: ' \n ' }, body(SendReplyDto))),
      ).toEqual(['text']);
      expect(
        Object.keys(await problems({ type: 'text', text: 'x'.repeat(2049) }, body(SendReplyDto))),
      ).toEqual(['text']);
      expect(Object.keys(await problems({ type: 'image', text: 'x' }, body(SendReplyDto)))).toEqual(
        ['type'],
      );
      expect(Object.keys(await problems({ type: 'text', text: 42 }, body(SendReplyDto)))).toEqual([
        'text',
      ]);
    });
  });

  describe('CreateAgentDto', () => {
    const agent = {
      email: ' Ann@Example.COM ',
      name: 'Ann',
      password: 'long enough',
      role: 'agent',
      departmentIds: [channel.departmentId],
    };

    it('lower-cases the e-mail', async () => {
      const dto = (await pipe.transform(agent, body(CreateAgentDto))) as CreateAgentDto;
      expect(dto.email).toBe('ann@example.com');
    });

    it('refuses a bad e-mail, short password, unknown role and non-UUID or repeated departments', async () => {
      const fields = await problems(
        { ...agent, email: 'ann', password: 'short', role: 'owner', departmentIds: ['x', 'x'] },
        body(CreateAgentDto),
      );
      expect(Object.keys(fields).sort()).toEqual(['departmentIds', 'email', 'password', 'role']);
    });
  });

  it('checks department names and login fields', async () => {
    expect(Object.keys(await problems({ name: '' }, body(CreateDepartmentDto)))).toEqual(['name']);
    expect(Object.keys(await problems({ email: 'a@b.c' }, body(LoginDto)))).toEqual(['password']);
  });

  describe('ListTicketsQuery', () => {
    const query = (metatype: Type<unknown>): ArgumentMetadata => ({ type: 'query', metatype });

    it('converts the limit from its text form', async () => {
      const parsed = (await pipe.transform(
        { limit: '10', status: 'open' },
        query(ListTicketsQuery),
      )) as ListTicketsQuery;
      expect(parsed.limit).toBe(10);
    });

    it('refuses limits outside 1–100, unknown statuses and non-UUID filters', async () => {
      expect(Object.keys(await problems({ limit: '0' }, query(ListTicketsQuery)))).toEqual([
        'limit',
      ]);
      expect(Object.keys(await problems({ limit: '101' }, query(ListTicketsQuery)))).toEqual([
        'limit',
      ]);
      expect(Object.keys(await problems({ limit: 'ten' }, query(ListTicketsQuery)))).toEqual([
        'limit',
      ]);
      const fields = await problems(
        { status: 'pending', channelId: 'x', departmentId: 'y' },
        query(ListTicketsQuery),
      );
      expect(Object.keys(fields).sort()).toEqual(['channelId', 'departmentId', 'status']);
    });
  });

  it('leaves message payloads alone (the transport validated them)', async () => {
    const payload = { anything: true };
    await expect(
      pipe.transform(payload, { type: 'custom', metatype: CreateChannelDto }),
    ).resolves.toBe(payload);
    await expect(
      pipe.transform(payload, {
        type: 3 as unknown as ArgumentMetadata['type'],
        metatype: CreateChannelDto,
      }),
    ).resolves.toBe(payload);
  });
});
