import {
  IsDefined,
  IsString,
  ValidateNested,
  validateSync,
  type ValidatorOptions,
} from 'class-validator';

import { seededRandom } from '@wechat-desk/shared/testing';

import { EventCatalogue, validateEventData } from './catalogue';
import { EventEnvelope } from './envelope';
import { compileValidator, fastValidator } from './fast-validation';
import { RoutingKeys, type RoutingKey } from './routing-keys';
import { at, CONTRACT_SAMPLES as samples, uuid } from './test-support/contract-samples';

const options: ValidatorOptions = { whitelist: true, forbidNonWhitelisted: true };
type Plain = Record<string, unknown>;
type Contract = new () => object;

const envelopeSample: Plain = {
  id: uuid,
  type: RoutingKeys.wechatMessageText,
  occurredAt: at,
  correlationId: uuid,
  causationId: 'cause',
  data: { ...samples[RoutingKeys.wechatMessageText] },
};

const contracts: Array<[string, Contract, Plain]> = [
  ...Object.entries(samples).map(([key, sample]): [string, Contract, Plain] => [
    key,
    EventCatalogue[key as RoutingKey],
    sample,
  ]),
  ['envelope', EventEnvelope, envelopeSample],
];

const valuesSeenInSamples = [
  ...new Set(contracts.flatMap(([, , sample]) => Object.values(sample))),
];

/** Values of every kind, with the edge cases of each rule in the catalogue. */
function oddValues(current: unknown): unknown[] {
  const text = typeof current === 'string' ? current : String(current);
  return [
    null,
    undefined,
    '',
    ' ',
    'x',
    'a'.repeat(64),
    'a'.repeat(65),
    'a'.repeat(257),
    'a'.repeat(1_025),
    'a'.repeat(4_097),
    'a'.repeat(20_001),
    '😀'.repeat(30),
    0,
    -0,
    -1,
    1,
    1.5,
    -90.5,
    90,
    180.0001,
    43_200,
    43_201,
    2 ** 53 + 2,
    1e21,
    NaN,
    Infinity,
    -Infinity,
    '1',
    '1.5',
    '1'.repeat(20),
    '1'.repeat(21),
    true,
    false,
    [],
    ['x'],
    [1],
    ['a'.repeat(65)],
    Array.from({ length: 101 }, () => 'a'),
    new Set(['a']),
    new Map([['a', 'b']]),
    {},
    { a: 'b' },
    { a: 1 },
    { a: { b: 'c' } },
    uuid.toUpperCase(),
    uuid.slice(1),
    '00000000-0000-0000-0000-000000000000',
    '2024-04-26',
    '2024-13-01T00:00:00Z',
    'not a date',
    `${text}\n`,
    `\n${text}`,
    `${text}x`,
    `x${text}`,
    `${text} `,
    text.toUpperCase(),
    text.toLowerCase(),
    text.slice(1),
    typeof current === 'number' ? String(current) : current,
    typeof current === 'number' ? -current : current,
    typeof current === 'number' ? current + 0.5 : current,
    typeof current === 'string' && /^\d+$/.test(current) ? Number(current) : current,
  ];
}

const unknownNames = ['chanelId', 'extra', 'MsgType', 'data2', '0', ''];

function mutate(sample: Plain, next: () => number): Plain {
  const pick = <T>(items: readonly T[]): T => items[Math.floor(next() * items.length)];
  const plain: Plain = { ...sample };
  const times = 1 + Math.floor(next() * 3);
  for (let i = 0; i < times; i++) {
    const keys = Object.keys(plain);
    const key = keys.length > 0 ? pick(keys) : 'x';
    const roll = next();
    if (roll < 0.1) {
      delete plain[key];
    } else if (roll < 0.15) {
      plain[pick(unknownNames)] = pick(['x', 1, null, undefined]);
    } else if (roll < 0.3) {
      plain[key] = pick(valuesSeenInSamples);
    } else if (roll < 0.4 && typeof plain[key] === 'object' && plain[key] !== null) {
      // Nested records (fields, data) and arrays (picMd5Sums).
      const nested = plain[key];
      plain[key] = Array.isArray(nested)
        ? [...(nested as unknown[]), pick(oddValues('a'))]
        : { ...(nested as Plain), [pick(unknownNames)]: pick(oddValues('a')) };
    } else {
      plain[key] = pick(oddValues(plain[key]));
    }
  }
  return plain;
}

describe('fast validation', () => {
  it('compiles every contract, so the shortcut is used for all of them', () => {
    const notCompilable = contracts.flatMap(([key, cls]) => {
      const compiled = compileValidator(cls);
      return compiled.compilable ? [] : [`${key}: ${compiled.reason}`];
    });
    expect(notCompilable).toEqual([]);
  });

  it.each(contracts)('accepts the valid %s sample on the shortcut', (_key, cls, sample) => {
    const instance = Object.assign(new cls(), sample);
    expect(validateSync(instance, options)).toEqual([]);
    expect(fastValidator(cls)(instance)).toBe(true);
  });

  it.each(contracts)(
    'agrees with validateSync on 1500 random variants of %s',
    (key, cls, sample) => {
      const next = seededRandom([...key].reduce((hash, char) => hash * 31 + char.charCodeAt(0), 7));
      const disagreements: string[] = [];
      let valid = 0;
      for (let i = 0; i < 1_500; i++) {
        const plain = mutate(sample, next);
        const instance = Object.assign(new cls(), plain);
        const fast = fastValidator(cls)(instance);
        const slow = validateSync(instance, options).length === 0;
        if (fast !== slow) {
          disagreements.push(`fast ${fast}, validateSync ${slow}: ${show(plain)}`);
        }
        valid += slow ? 1 : 0;
      }
      expect(disagreements).toEqual([]);
      // Both verdicts were exercised.
      expect(valid).toBeGreaterThan(0);
      expect(valid).toBeLessThan(1_500);
    },
  );

  it.each(['toString', 'constructor', 'hasOwnProperty', '__proto__'])(
    'leaves a payload with a field named %s to validateSync',
    (name) => {
      const cls = EventCatalogue[RoutingKeys.wechatMessageText];
      // JSON.parse makes even `__proto__` an own field, as a parsed push would have it.
      const plain = {
        ...samples[RoutingKeys.wechatMessageText],
        ...(JSON.parse(`{"${name}":{}}`) as Plain),
      };
      const instance = Object.assign(new cls(), plain);
      expect(fastValidator(cls)(instance)).toBe(false);
    },
  );

  it('keeps the detailed problems for an invalid payload', () => {
    expect(() =>
      validateEventData(RoutingKeys.wechatMessageText, {
        ...samples[RoutingKeys.wechatMessageText],
        content: 1,
        chanelId: 'x',
      }),
    ).toThrow(
      'Message wechat.message.text.v1 breaks its contract: chanelId: property chanelId should not exist; content: content must be shorter than or equal to 20000 characters; content: content must be a string',
    );
  });

  it('never takes the shortcut for rules it does not mirror', () => {
    class Inner {
      @IsString()
      name!: string;
    }
    class Nested {
      @ValidateNested()
      inner!: Inner;
    }
    class Defined {
      @IsDefined()
      value!: unknown;
    }
    class Grouped {
      @IsString({ groups: ['admin'] })
      name!: string;
    }
    class Each {
      @IsString({ each: true })
      names!: string[];
    }
    class Bare {
      name!: string;
    }
    expect(compileValidator(Nested)).toMatchObject({ compilable: false });
    expect(compileValidator(Defined)).toMatchObject({ compilable: false });
    expect(compileValidator(Grouped)).toMatchObject({ compilable: false });
    expect(compileValidator(Bare)).toMatchObject({ compilable: false });
    expect(fastValidator(Nested)(Object.assign(new Nested(), { inner: { name: 'x' } }))).toBe(
      false,
    );
    // `each` is mirrored: every item of an array, a Set or a Map.
    expect(compileValidator(Each)).toMatchObject({ compilable: true });
    for (const names of [['a'], new Set(['a']), new Map([['k', 'a']]), [], 'a', ['a', 1]]) {
      const instance = Object.assign(new Each(), { names });
      expect(fastValidator(Each)(instance)).toBe(validateSync(instance, options).length === 0);
    }
  });
});

function show(plain: Plain): string {
  return JSON.stringify(plain, (_key, value: unknown) =>
    typeof value === 'number' && !Number.isFinite(value)
      ? String(value)
      : value instanceof Set || value instanceof Map
        ? `${value.constructor.name}(${JSON.stringify([...value])})`
        : value === undefined
          ? 'undefined'
          : value,
  ).slice(0, 300);
}
