import { randomUUID } from 'node:crypto';

import { Client } from 'pg';

import type { ChannelRecord } from '@wechat-desk/desk/data-access';

import { presentChannel, presentChannelToAgent } from '../channels/channel.view';
import { startDeskApi, type RunningDeskApi } from '../test-support/desk-api-harness';
import { insertChannelRow, insertTicketRow } from '../test-support/desk-rows';

/** The parts of an OpenAPI 3 document read here. */
interface Schema {
  $ref?: string;
  type?: string;
  format?: string;
  enum?: unknown[];
  nullable?: boolean;
  properties?: Record<string, Schema>;
  required?: string[];
  items?: Schema;
  oneOf?: Schema[];
  allOf?: Schema[];
  additionalProperties?: boolean | Schema;
}
interface Operation {
  operationId?: string;
  tags?: string[];
  security?: Array<Record<string, string[]>>;
  responses: Record<string, { content?: Record<string, { schema: Schema }> }>;
  requestBody?: { content: Record<string, { schema: Schema }> };
}
interface Document {
  openapi: string;
  info: { title: string; version: string };
  security?: Array<Record<string, string[]>>;
  paths: Record<string, Record<string, Operation>>;
  components: { schemas: Record<string, Schema>; securitySchemes: Record<string, unknown> };
}

const ADMIN = { email: 'root@example.com', password: 'bootstrap-Pa55word' };
const API = '/api/v1';

/** Every desk-api route of docs/api.md (plus the admin extras), as the controllers declare them. */
const ROUTES: ReadonlyArray<readonly [string, string]> = [
  ['post', '/auth/login'],
  ['post', '/departments'],
  ['get', '/departments'],
  ['patch', '/departments/{id}'],
  ['post', '/departments/{id}/deactivate'],
  ['post', '/departments/{id}/activate'],
  ['post', '/agents'],
  ['get', '/agents'],
  ['get', '/agents/{id}'],
  ['patch', '/agents/{id}'],
  ['post', '/agents/{id}/deactivate'],
  ['post', '/agents/{id}/activate'],
  ['post', '/channels'],
  ['get', '/channels'],
  ['get', '/channels/{id}'],
  ['patch', '/channels/{id}'],
  ['post', '/channels/{id}/disable'],
  ['post', '/channels/{id}/enable'],
  ['post', '/channels/{id}/rotate-aes-key'],
  ['get', '/channels/{id}/icon'],
  ['get', '/departments/{departmentId}/agents/{agentId}/channels'],
  ['put', '/departments/{departmentId}/agents/{agentId}/channels'],
  ['get', '/departments/{departmentId}/channels/{channelId}/ticket-settings'],
  ['put', '/departments/{departmentId}/channels/{channelId}/ticket-settings'],
  ['get', '/tickets'],
  ['get', '/tickets/{id}'],
  ['patch', '/tickets/{id}'],
  ['get', '/tickets/{id}/messages'],
  ['post', '/tickets/{id}/messages'],
  ['get', '/attachments/{id}'],
  ['get', '/audit-log'],
];

let deskApi: RunningDeskApi | undefined;
let baseUrl: string;
let db: Client;
let document: Document;

async function call<T = unknown>(
  method: string,
  path: string,
  options: { token?: string; body?: unknown } = {},
): Promise<{ status: number; body: T; contentType: string }> {
  const headers: Record<string, string> = {};
  if (options.token !== undefined) {
    headers['authorization'] = `Bearer ${options.token}`;
  }
  if (options.body !== undefined) {
    headers['content-type'] = 'application/json';
  }
  const response = await fetch(`${baseUrl}${path}`, {
    method,
    headers,
    body: options.body === undefined ? undefined : JSON.stringify(options.body),
  });
  const contentType = response.headers.get('content-type') ?? '';
  const text = await response.text();
  const body = (contentType.startsWith('application/json') ? JSON.parse(text) : text) as T;
  return { status: response.status, body, contentType };
}

function resolve(schema: Schema): Schema {
  if (schema.$ref === undefined) {
    return schema;
  }
  const name = schema.$ref.replace('#/components/schemas/', '');
  const found = document.components.schemas[name];
  if (found === undefined) {
    throw new Error(`Dangling ${schema.$ref}`);
  }
  return found;
}

function operation(method: string, path: string): Operation {
  const found = document.paths[path]?.[method];
  if (found === undefined) {
    throw new Error(`${method.toUpperCase()} ${path} is not documented`);
  }
  return found;
}

/** The JSON schema of a response, resolved. */
function responseSchema(method: string, path: string, status: number): Schema {
  const schema = operation(method, path).responses[String(status)]?.content?.['application/json']
    ?.schema;
  if (schema === undefined) {
    throw new Error(`${method.toUpperCase()} ${path} documents no ${status} JSON body`);
  }
  return resolve(schema);
}

/** The problems found comparing a real answer with its documented schema ([] when it fits). */
function mismatches(schema: Schema, value: unknown, at = '$'): string[] {
  const resolved = resolve(schema);
  if (resolved.allOf !== undefined) {
    return resolved.allOf.flatMap((part) => mismatches(part, value, at));
  }
  if (resolved.oneOf !== undefined) {
    const fits = resolved.oneOf.filter((option) => mismatches(option, value, at).length === 0);
    return fits.length === 1 ? [] : [`${at}: fits ${fits.length} of the oneOf options`];
  }
  if (value === null) {
    return resolved.nullable === true ? [] : [`${at}: null but not nullable`];
  }
  if (resolved.enum !== undefined && !resolved.enum.includes(value)) {
    return [`${at}: ${JSON.stringify(value)} is not one of ${JSON.stringify(resolved.enum)}`];
  }
  switch (resolved.type) {
    case 'array':
      return Array.isArray(value)
        ? value.flatMap((item, index) => mismatches(resolved.items ?? {}, item, `${at}[${index}]`))
        : [`${at}: not an array`];
    case 'integer':
      return Number.isInteger(value) ? [] : [`${at}: not an integer`];
    case 'string':
    case 'number':
    case 'boolean':
      return typeof value === resolved.type ? [] : [`${at}: not a ${resolved.type}`];
    default: {
      if (typeof value !== 'object' || Array.isArray(value)) {
        return [`${at}: not an object`];
      }
      if (resolved.properties === undefined) {
        return resolved.additionalProperties === undefined ? [`${at}: untyped object`] : [];
      }
      const record = value as Record<string, unknown>;
      const properties = resolved.properties;
      return [
        ...(resolved.required ?? [])
          .filter((name) => !(name in record))
          .map((name) => `${at}.${name}: required but missing`),
        ...Object.entries(record).flatMap(([name, field]) => {
          const property = properties[name];
          return property === undefined
            ? [`${at}.${name}: not documented`]
            : mismatches(property, field, `${at}.${name}`);
        }),
      ];
    }
  }
}

const insertChannel = (departmentId: string): Promise<string> => insertChannelRow(db, departmentId);

/** A ticket with an inbound message and a failed reply, so both message shapes are answered. */
async function insertTicket(channelId: string, departmentId: string): Promise<string> {
  const { id, at } = await insertTicketRow(db, channelId, departmentId);
  await db.query(
    `INSERT INTO desk.message_views (id, ticket_id, direction, type, text, sent_at, status,
       failure_code, failure_message)
     VALUES ($1, $2, 'out', 'text', 'hi', $3, 'failed', 'REPLY_WINDOW_CLOSED', 'too late')`,
    [randomUUID(), id, at],
  );
  return id;
}

beforeAll(async () => {
  deskApi = await startDeskApi({
    label: 'desk_openapi',
    env: { BOOTSTRAP_ADMIN_EMAIL: ADMIN.email, BOOTSTRAP_ADMIN_PASSWORD: ADMIN.password },
  });
  baseUrl = deskApi.baseUrl;
  db = new Client({ connectionString: deskApi.databaseUrl });
  await db.connect();
  const answer = await call<Document>('GET', `${API}/openapi.json`);
  expect(answer.status).toBe(200);
  document = answer.body;
}, 60_000);

afterAll(async () => {
  await db?.end();
  await deskApi?.stop();
}, 60_000);

describe('desk-api OpenAPI document', () => {
  it('is served without a token as OpenAPI 3 JSON, with the Swagger UI next to it', async () => {
    const json = await call('GET', `${API}/openapi.json`);
    expect(json.contentType).toMatch(/^application\/json/);
    expect(document.openapi).toMatch(/^3\./);
    expect(document.info).toEqual(
      expect.objectContaining({ title: 'wechat-desk desk API', version: expect.any(String) }),
    );

    const ui = await call<string>('GET', `${API}/docs`);
    expect(ui.status).toBe(200);
    expect(ui.contentType).toMatch(/^text\/html/);
    expect(ui.body).toContain('swagger-ui');
    const init = await call<string>('GET', `${API}/docs/swagger-ui-init.js`);
    expect(init.status).toBe(200);
    expect(init.body).toContain('openapi');
    const asset = await call<string>('GET', `${API}/docs/swagger-ui-bundle.js`);
    expect(asset.status).toBe(200);
  });

  it('documents every route desk-api implements, with its method', () => {
    const documented = Object.entries(document.paths).flatMap(([path, item]) =>
      Object.keys(item).map((method) => `${method} ${path}`),
    );
    expect(documented).toEqual(
      expect.arrayContaining(ROUTES.map(([method, path]) => `${method} ${API}${path}`)),
    );
    for (const [method, path] of ROUTES) {
      expect(operation(method, `${API}${path}`).tags).toHaveLength(1);
    }
    expect(operation('get', `${API}/channels`).tags).toEqual(['Channels']);
    expect(operation('get', `${API}/tickets`).tags).toEqual(['Tickets']);
  });

  it('declares the bearer scheme and requires it everywhere but sign-in, probes, metrics and document links', () => {
    expect(document.components.securitySchemes['bearer']).toEqual(
      expect.objectContaining({ type: 'http', scheme: 'bearer' }),
    );
    expect(document.security).toEqual([{ bearer: [] }]);
    expect(operation('post', `${API}/auth/login`).security).toEqual([]);
    for (const path of ['/health/live', '/health/ready', '/metrics', '/files/{attachmentId}']) {
      expect(operation('get', path).security).toEqual([]);
    }
    for (const [method, path] of ROUTES.filter(([, path]) => path !== '/auth/login')) {
      const own = operation(method, `${API}${path}`);
      expect({ route: `${method} ${path}`, security: own.security ?? document.security }).toEqual({
        route: `${method} ${path}`,
        security: [{ bearer: [] }],
      });
      expect(own.responses['401']?.content?.['application/json']?.schema).toEqual({
        $ref: '#/components/schemas/ErrorBody',
      });
    }
  });

  it('documents the error body and the main error statuses of each route', () => {
    const error = resolve(document.components.schemas['ErrorBody'] ?? {});
    expect(error.required).toEqual(['error']);
    const inner = resolve(error.properties?.['error'] ?? {});
    expect(inner.required).toEqual(['code', 'message', 'details']);
    const statuses = (method: string, path: string): string[] =>
      Object.keys(operation(method, `${API}${path}`).responses);
    expect(statuses('post', '/auth/login')).toEqual(expect.arrayContaining(['200', '401', '422']));
    expect(statuses('post', '/departments')).toEqual(
      expect.arrayContaining(['201', '401', '403', '409', '422']),
    );
    expect(statuses('post', '/channels')).toEqual(
      expect.arrayContaining(['201', '401', '403', '409', '422']),
    );
    expect(statuses('get', '/channels/{id}')).toEqual(
      expect.arrayContaining(['200', '401', '404']),
    );
    expect(statuses('get', '/tickets/{id}')).toEqual(expect.arrayContaining(['200', '401', '404']));
    expect(statuses('post', '/tickets/{id}/messages')).toEqual(
      expect.arrayContaining(['202', '401', '404', '409', '422']),
    );
    expect(statuses('put', '/departments/{departmentId}/agents/{agentId}/channels')).toEqual(
      expect.arrayContaining(['200', '401', '403', '404', '422']),
    );
  });

  it('gives a ticket the fields of docs/api.md', () => {
    const ticket = responseSchema('get', `${API}/tickets/{id}`, 200);
    expect(Object.keys(ticket.properties ?? {}).sort()).toEqual(
      [
        'id',
        'number',
        'status',
        'channelId',
        'departmentId',
        'contact',
        'assigneeId',
        'createdAt',
        'lastMessageAt',
        'replyWindow',
      ].sort(),
    );
    expect(ticket.properties?.['status']?.enum).toEqual(['open', 'closed']);
    const contact = resolve(ticket.properties?.['contact'] ?? {});
    expect(Object.keys(contact.properties ?? {}).sort()).toEqual(['id', 'openId']);
    const page = responseSchema('get', `${API}/tickets`, 200);
    expect(Object.keys(page.properties ?? {}).sort()).toEqual(['items', 'nextCursor']);
    const query = (operation('get', `${API}/tickets`) as { parameters?: Array<{ name: string }> })
      .parameters;
    expect(query?.map((parameter) => parameter.name).sort()).toEqual(
      ['channelId', 'cursor', 'departmentId', 'limit', 'status'].sort(),
    );
  });

  it('documents request bodies from the DTOs', () => {
    const body = (method: string, path: string, type = 'application/json'): Schema =>
      resolve(operation(method, `${API}${path}`).requestBody?.content[type]?.schema ?? {});
    expect(body('post', '/auth/login').required).toEqual(['email', 'password']);
    expect(Object.keys(body('post', '/agents').properties ?? {}).sort()).toEqual(
      ['departmentIds', 'email', 'name', 'password', 'role'].sort(),
    );
    expect(body('patch', '/agents/{id}').required ?? []).toEqual([]);
    expect(body('post', '/channels', 'multipart/form-data').properties?.['icon']).toEqual(
      expect.objectContaining({ type: 'string', format: 'binary' }),
    );
    expect(body('post', '/channels').required).toEqual(
      expect.arrayContaining(['name', 'originalId', 'appId', 'appSecret', 'departmentId']),
    );
    expect(
      body('put', '/departments/{departmentId}/channels/{channelId}/ticket-settings').properties?.[
        'conversionTimerMinutes'
      ],
    ).toEqual(expect.objectContaining({ type: 'integer', minimum: 1, maximum: 43_200 }));
    expect(body('post', '/tickets/{id}/messages').required).toEqual(['type', 'text']);
    expect(
      body('post', '/tickets/{id}/messages', 'multipart/form-data').properties?.['file'],
    ).toEqual(expect.objectContaining({ type: 'string', format: 'binary' }));
  });

  it('describes what the routes really answer', async () => {
    const login = await call<{ accessToken: string }>('POST', `${API}/auth/login`, {
      body: ADMIN,
    });
    expect(mismatches(responseSchema('post', `${API}/auth/login`, 200), login.body)).toEqual([]);
    const token = login.body.accessToken;
    const fits = async (
      method: string,
      path: string,
      status: number,
      schemaPath = path,
      body?: unknown,
    ): Promise<unknown> => {
      const answer = await call(method.toUpperCase(), `${API}${path}`, { token, body });
      expect({ path, status: answer.status }).toEqual({ path, status });
      expect(
        mismatches(responseSchema(method, `${API}${schemaPath}`, status), answer.body),
      ).toEqual([]);
      return answer.body;
    };

    const department = (await fits('post', '/departments', 201, '/departments', {
      name: 'Support',
    })) as { id: string };
    await fits('get', '/departments', 200);
    const agent = (await fits('post', '/agents', 201, '/agents', {
      email: 'ann@example.com',
      name: 'Ann',
      password: 'ann-Secret-0001',
      role: 'agent',
      departmentIds: [department.id],
    })) as { id: string };
    await fits('get', '/agents', 200);
    await fits('post', `/agents/${agent.id}/deactivate`, 200, '/agents/{id}/deactivate');

    const channelId = await insertChannel(department.id);
    await fits(
      'put',
      `/departments/${department.id}/agents/${agent.id}/channels`,
      200,
      '/departments/{departmentId}/agents/{agentId}/channels',
      { channelIds: [channelId] },
    );
    const settings = `/departments/${department.id}/channels/${channelId}/ticket-settings`;
    const settingsSchema = '/departments/{departmentId}/channels/{channelId}/ticket-settings';
    await fits('get', settings, 200, settingsSchema);
    await fits('put', settings, 200, settingsSchema, { conversionTimerMinutes: 60 });

    const ticketId = await insertTicket(channelId, department.id);
    await fits('get', '/tickets', 200);
    await fits('get', `/tickets/${ticketId}`, 200, '/tickets/{id}');
    await fits('get', `/tickets/${ticketId}/messages`, 200, '/tickets/{id}/messages');
    await fits('patch', `/tickets/${ticketId}`, 200, '/tickets/{id}', { assigneeId: null });
    await fits('patch', `/tickets/${ticketId}`, 422, '/tickets/{id}', {});
    await fits('get', `/attachments/${randomUUID()}`, 404, '/attachments/{id}');
    await fits('get', '/audit-log', 200);
    await fits('get', `/tickets/${randomUUID()}`, 404, '/tickets/{id}');
    await fits('post', '/departments', 409, '/departments', { name: 'Support' });
    await fits('post', '/departments', 422, '/departments', { name: '' });
    const anonymous = await call('GET', `${API}/tickets`);
    expect(anonymous.status).toBe(401);
    expect(mismatches(responseSchema('get', `${API}/tickets`, 401), anonymous.body)).toEqual([]);
  });

  it('describes channels as presented (their routes need WeChat, tested in channels.int-spec)', () => {
    const record = {
      id: randomUUID(),
      name: 'Main',
      originalId: 'gh_0123456789ab',
      appId: 'wx1234567890abcdef',
      departmentId: randomUUID(),
      enabled: true,
      encryptionMode: 'secure',
      replyPolicy: 'desk-classic',
      iconMime: 'image/png',
      createdAt: new Date(),
    } as unknown as ChannelRecord;
    const secrets = { token: 'Token123', encodingAesKey: 'a'.repeat(43) };
    const admin = presentChannel(record, secrets, 'https://desk.example.test');
    const agent = presentChannelToAgent({ ...record, iconMime: null });
    expect(mismatches(responseSchema('post', `${API}/channels`, 201), admin)).toEqual([]);
    expect(mismatches(responseSchema('get', `${API}/channels/{id}`, 200), admin)).toEqual([]);
    expect(mismatches(responseSchema('get', `${API}/channels/{id}`, 200), agent)).toEqual([]);
    expect(
      mismatches(responseSchema('get', `${API}/channels`, 200), { items: [admin, agent] }),
    ).toEqual([]);
    expect(mismatches(responseSchema('post', `${API}/channels`, 201), agent)).toContain(
      '$.callbackUrl: required but missing',
    );
    expect(
      Object.keys(resolve(document.components.schemas['Channel'] ?? {}).properties ?? {}),
    ).not.toContain('appSecret');
  });
});
