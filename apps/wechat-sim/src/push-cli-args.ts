import { parseArgs } from 'node:util';

import {
  isPushMode,
  PUSH_MODES,
  type PushTarget,
  randomMsgId,
  type SimMediaKind,
  WECHAT_PUSH_RETRIES,
  WECHAT_PUSH_TIMEOUT_MS,
} from '@wechat-desk/wechat/push-client';

import {
  buildInnerXml,
  EVENT_TYPES,
  FieldValues,
  MESSAGE_TYPES,
  parsePushType,
  pushTypeName,
  takesMsgId,
} from './push-types';
import { UsageError } from './usage-error';

export { UsageError } from './usage-error';

export const PUSH_CLI_USAGE = `Sends a WeChat push (or the URL-verification GET) the way WeChat does.

Push a message or an event (a text message unless --type says otherwise):
  push-cli --url URL --token TOKEN [--mode plaintext|compatible|secure] [--aes-key KEY --app-id wx…]
           --to gh_ORIGINAL_ID --from OPENID [--type TYPE] [--text TEXT] [--field NAME=VALUE]…
           [--msg-id N] [--create-time S] [--times N] [--like-wechat] [--timeout-ms MS]
Verify the callback URL:
  push-cli --verify --url URL --token TOKEN [--echostr S] [--timeout-ms MS]

  --type         messages: ${MESSAGE_TYPES.join(', ')}
                 events: ${EVENT_TYPES.join(', ')}
                 anything else: message:<MsgType> or event:<Event> (e.g. event:view_miniprogram)
  --text         the content of a text message (required for text)
  --field        sets one field of the type, by its builder name (e.g. picUrl=…, eventKey=qrscene_7,
                 picMd5Sums=a,b); unset fields get plausible defaults. For message:/event: types,
                 each --field is one more XML element
  --mode         defaults to secure when --aes-key is given, else plaintext
  --msg-id       MsgId (messages) or MsgID (send-job events); defaults to a random 64-bit id;
                 repeated --times reuse it (like WeChat's retries)
  --times        how many deliveries of the same push (default 1)
  --like-wechat  resend each delivery, byte for byte, until it is acknowledged (2xx with
                 \`success\`, an empty body or a reply) or ${WECHAT_PUSH_RETRIES} retries were sent
  --timeout-ms   WeChat's deadline, default ${WECHAT_PUSH_TIMEOUT_MS}
  --sim-url      image, voice, video, shortvideo: first register a small sample (PNG, AMR, MP4
                 and its JPEG thumbnail) in the WeChat simulator at this URL for --app-id, under
                 the MediaId the push carries, so conversation can download it; a MediaId given
                 with --field is left alone
`;

/** Media registered in the simulator before the push, under the ids the push carries. */
export interface SimMediaPlan {
  simUrl: string;
  appId: string;
  items: Array<{ type: SimMediaKind; mediaId: string }>;
}

export type PushCliCommand =
  | { kind: 'help' }
  | { kind: 'verify'; target: PushTarget; echostr?: string; timeoutMs: number }
  | {
      kind: 'push';
      target: PushTarget;
      /** `text`, `CLICK`, `event:view_miniprogram`… */
      type: string;
      /** Set for the types that carry one. */
      msgId?: string;
      /** Built once, so every delivery carries the same MsgId and CreateTime. */
      innerXml: string;
      times: number;
      likeWechat: boolean;
      timeoutMs: number;
      /** With --sim-url. */
      simMedia?: SimMediaPlan;
    };

const OPTIONS = {
  url: { type: 'string' },
  token: { type: 'string' },
  mode: { type: 'string' },
  'aes-key': { type: 'string' },
  'app-id': { type: 'string' },
  to: { type: 'string' },
  from: { type: 'string' },
  type: { type: 'string' },
  text: { type: 'string' },
  field: { type: 'string', multiple: true },
  'like-wechat': { type: 'boolean' },
  'msg-id': { type: 'string' },
  'create-time': { type: 'string' },
  times: { type: 'string' },
  'timeout-ms': { type: 'string' },
  verify: { type: 'boolean' },
  echostr: { type: 'string' },
  'sim-url': { type: 'string' },
  help: { type: 'boolean', short: 'h' },
} as const;

type ParsedValues = ReturnType<typeof parseArgs<{ options: typeof OPTIONS }>>['values'];

export function parsePushCliArgs(argv: readonly string[]): PushCliCommand {
  const values = parseValues(argv);
  if (values.help === true) {
    return { kind: 'help' };
  }
  const timeoutMs = positiveInt(values['timeout-ms'], '--timeout-ms', WECHAT_PUSH_TIMEOUT_MS);
  const target = parseTarget(values);
  if (values.verify === true) {
    return { kind: 'verify', target, timeoutMs, ...optional('echostr', values.echostr) };
  }
  const type = parsePushType(values.type ?? 'text');
  const typeName = pushTypeName(type);
  if (values['msg-id'] !== undefined && !takesMsgId(type)) {
    throw new UsageError(`--msg-id does not apply to ${typeName}`);
  }
  if (values.text !== undefined && typeName !== 'text') {
    throw new UsageError(`--text only applies to text messages, not ${typeName}`);
  }
  const msgId = values['msg-id'] ?? randomMsgId();
  if (!/^\d{1,20}$/.test(msgId)) {
    throw new UsageError('--msg-id must be a decimal number');
  }
  const fieldPairs = values.field ?? [];
  const simMedia = planSimMedia(values, typeName, msgId, fieldPairs);
  const header = {
    toUserName: required(values.to, '--to'),
    fromUserName: required(values.from, '--from'),
    ...optional('createTime', optionalInt(values['create-time'], '--create-time')),
  };
  const innerXml = buildInnerXml({
    type,
    header,
    msgId,
    text: values.text,
    fields: FieldValues.parse([...simMediaFields(simMedia), ...fieldPairs]),
  });
  return {
    kind: 'push',
    target: { ...target, originalId: header.toUserName, openId: header.fromUserName },
    type: typeName,
    ...optional('msgId', takesMsgId(type) ? msgId : undefined),
    innerXml,
    times: positiveInt(values.times, '--times', 1),
    likeWechat: values['like-wechat'] === true,
    timeoutMs,
    ...optional('simMedia', simMedia),
  };
}

/** The media of the type to register, for each id the user did not give with --field. */
function planSimMedia(
  values: ParsedValues,
  typeName: string,
  msgId: string,
  fieldPairs: readonly string[],
): SimMediaPlan | undefined {
  const simUrl = values['sim-url'];
  if (simUrl === undefined) {
    return undefined;
  }
  const media: Record<string, Array<{ field: string; type: SimMediaKind }>> = {
    image: [{ field: 'mediaId', type: 'image' }],
    voice: [{ field: 'mediaId', type: 'voice' }],
    video: [
      { field: 'mediaId', type: 'video' },
      { field: 'thumbMediaId', type: 'thumb' },
    ],
    shortvideo: [
      { field: 'mediaId', type: 'video' },
      { field: 'thumbMediaId', type: 'thumb' },
    ],
  };
  const wanted = media[typeName];
  if (wanted === undefined) {
    throw new UsageError(`--sim-url only applies to image, voice, video and shortvideo`);
  }
  const given = new Set(fieldPairs.map((pair) => pair.slice(0, Math.max(0, pair.indexOf('=')))));
  return {
    simUrl: parseUrl(simUrl, '--sim-url'),
    appId: required(values['app-id'], '--app-id (with --sim-url)'),
    items: wanted
      .filter(({ field }) => !given.has(field))
      .map(({ field, type }) => ({ type, mediaId: `sim_${field}_${msgId}` })),
  };
}

/** The planned ids, as if given with --field (the user's own --field values come after). */
function simMediaFields(plan: SimMediaPlan | undefined): string[] {
  return (plan?.items ?? []).map(({ type, mediaId }) =>
    type === 'thumb' ? `thumbMediaId=${mediaId}` : `mediaId=${mediaId}`,
  );
}

function parseValues(argv: readonly string[]): ParsedValues {
  try {
    return parseArgs({ args: [...argv], options: OPTIONS, strict: true, allowPositionals: false })
      .values;
  } catch (error: unknown) {
    // parseArgs reports unknown options, missing values and stray positionals as TypeErrors.
    throw new UsageError(error instanceof Error ? error.message : String(error));
  }
}

function parseTarget(values: ParsedValues): PushTarget {
  const mode = values.mode ?? (values['aes-key'] === undefined ? 'plaintext' : 'secure');
  if (!isPushMode(mode)) {
    throw new UsageError(`--mode must be one of ${PUSH_MODES.join(', ')}`);
  }
  const target: PushTarget = {
    callbackUrl: parseUrl(required(values.url, '--url')),
    token: required(values.token, '--token'),
    mode,
  };
  if (mode !== 'plaintext' && values.verify !== true) {
    target.encodingAesKey = required(values['aes-key'], `--aes-key (${mode} mode)`);
    target.appId = required(values['app-id'], `--app-id (${mode} mode)`);
  }
  return target;
}

function parseUrl(value: string, name = '--url'): string {
  if (!URL.canParse(value) || !/^https?:$/.test(new URL(value).protocol)) {
    throw new UsageError(`${name} must be an http(s) URL, got ${JSON.stringify(value)}`);
  }
  return value;
}

function required(value: string | undefined, name: string): string {
  if (value === undefined || value === '') {
    throw new UsageError(`${name} is required`);
  }
  return value;
}

function optionalInt(value: string | undefined, name: string): number | undefined {
  if (value === undefined) {
    return undefined;
  }
  if (!/^\d+$/.test(value) || !Number.isSafeInteger(Number(value))) {
    throw new UsageError(`${name} must be a whole number`);
  }
  return Number(value);
}

function positiveInt(value: string | undefined, name: string, fallback: number): number {
  const parsed = optionalInt(value, name) ?? fallback;
  if (parsed < 1) {
    throw new UsageError(`${name} must be at least 1`);
  }
  return parsed;
}

/** Spreads `{ [key]: value }` only when the value is present. */
function optional<K extends string, V>(key: K, value: V | undefined): Partial<Record<K, V>> {
  return value === undefined ? {} : ({ [key]: value } as Partial<Record<K, V>>);
}
