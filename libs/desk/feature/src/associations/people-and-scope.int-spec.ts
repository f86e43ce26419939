import { randomUUID } from 'node:crypto';

import { Client } from 'pg';

import type { AgentView } from '../agents/agent.view';
import type { AuditPageView } from '../audit/list-audit-log';
import type { ErrorBody } from '../common/desk-error';
import type { DepartmentView } from '../departments/department.view';
import { startDeskApi, type RunningDeskApi } from '../test-support/desk-api-harness';
import { insertChannelRow, insertTicketRow } from '../test-support/desk-rows';
import type { TicketPageView } from '../tickets/list-tickets/list-tickets';
import type { AgentChannelsView } from './agent-channels';

const ADMIN = { email: 'root@example.com', password: 'bootstrap-Pa55word' };
/** Every password used here, searched for in the audit log. */
const PASSWORDS = {
  ann: 'ann-Secret-0001',
  annNew: 'ann-Secret-0002',
  bob: 'bob-Secret-0001',
  eve: 'eve-Secret-0001',
  admin2: 'admin2-Secret-0001',
};

interface Answer<T> {
  status: number;
  body: T;
  text: string;
  headers: Headers;
}

let deskApi: RunningDeskApi | undefined;
let baseUrl: string;
let db: Client;
let nextIp = 1;

/** A client address of its own (the app trusts X-Forwarded-For, as behind a proxy). */
function freshIp(): string {
  nextIp += 1;
  return `203.0.113.${nextIp}`;
}

async function call<T = unknown>(
  method: string,
  path: string,
  options: { token?: string; body?: unknown; ip?: string } = {},
): Promise<Answer<T>> {
  const headers: Record<string, string> = {};
  if (options.token !== undefined) {
    headers['authorization'] = `Bearer ${options.token}`;
  }
  if (options.body !== undefined) {
    headers['content-type'] = 'application/json';
  }
  if (options.ip !== undefined) {
    headers['x-forwarded-for'] = options.ip;
  }
  const response = await fetch(`${baseUrl}${path}`, {
    method,
    headers,
    body: options.body === undefined ? undefined : JSON.stringify(options.body),
  });
  const text = await response.text();
  const json = response.headers.get('content-type')?.startsWith('application/json') === true;
  return {
    status: response.status,
    text,
    headers: response.headers,
    body: (json ? JSON.parse(text) : undefined) as T,
  };
}

function attempt(email: string, password: string, ip = freshIp()): Promise<Answer<unknown>> {
  return call('POST', '/api/v1/auth/login', { body: { email, password }, ip });
}

async function login(email: string, password: string): Promise<string> {
  const answer = await call<{ accessToken: string }>('POST', '/api/v1/auth/login', {
    body: { email, password },
    ip: freshIp(),
  });
  expect(answer.status).toBe(200);
  return answer.body.accessToken;
}

function expectError(answer: Answer<unknown>, status: number, code: string): ErrorBody['error'] {
  expect({ status: answer.status, code: (answer.body as ErrorBody).error?.code }).toEqual({
    status,
    code,
  });
  return (answer.body as ErrorBody).error;
}

const insertChannel = (departmentId: string): Promise<string> => insertChannelRow(db, departmentId);
const insertTicket = async (channelId: string, departmentId: string): Promise<string> =>
  (await insertTicketRow(db, channelId, departmentId)).id;

beforeAll(async () => {
  deskApi = await startDeskApi({
    label: 'desk_people',
    env: { BOOTSTRAP_ADMIN_EMAIL: ADMIN.email, BOOTSTRAP_ADMIN_PASSWORD: ADMIN.password },
  });
  baseUrl = deskApi.baseUrl;
  db = new Client({ connectionString: deskApi.databaseUrl });
  await db.connect();
}, 60_000);

afterAll(async () => {
  await db?.end();
  await deskApi?.stop();
}, 60_000);

describe('desk-api: people, sign-in and scope', () => {
  let adminToken: string;
  let adminId: string;
  let support: DepartmentView;
  let sales: DepartmentView;
  let ann: AgentView;
  let bob: AgentView;

  async function createAgent(body: Record<string, unknown>): Promise<AgentView> {
    const answer = await call<AgentView>('POST', '/api/v1/agents', { token: adminToken, body });
    expect(answer.status).toBe(201);
    return answer.body;
  }

  beforeAll(async () => {
    const answer = await call<{ accessToken: string; agent: { id: string } }>(
      'POST',
      '/api/v1/auth/login',
      { body: ADMIN, ip: freshIp() },
    );
    adminToken = answer.body.accessToken;
    adminId = answer.body.agent.id;
  });

  describe('departments', () => {
    it('creates, renames, deactivates and activates, showing active', async () => {
      support = (
        await call<DepartmentView>('POST', '/api/v1/departments', {
          token: adminToken,
          body: { name: 'Support' },
        })
      ).body;
      sales = (
        await call<DepartmentView>('POST', '/api/v1/departments', {
          token: adminToken,
          body: { name: 'Sale' },
        })
      ).body;
      const renamed = await call<DepartmentView>('PATCH', `/api/v1/departments/${sales.id}`, {
        token: adminToken,
        body: { name: 'Sales' },
      });
      expect(renamed.status).toBe(200);
      expect(renamed.body).toEqual({ ...sales, name: 'Sales', active: true });
      sales = renamed.body;
      expectError(
        await call('PATCH', `/api/v1/departments/${sales.id}`, {
          token: adminToken,
          body: { name: 'support' },
        }),
        409,
        'DUPLICATE_DEPARTMENT_NAME',
      );
      expectError(
        await call('PATCH', `/api/v1/departments/${randomUUID()}`, {
          token: adminToken,
          body: { name: 'X' },
        }),
        404,
        'NOT_FOUND',
      );
      const deactivated = await call<DepartmentView>(
        'POST',
        `/api/v1/departments/${sales.id}/deactivate`,
        { token: adminToken },
      );
      expect(deactivated.status).toBe(200);
      expect(deactivated.body.active).toBe(false);
      const list = await call<{ items: DepartmentView[] }>('GET', '/api/v1/departments', {
        token: adminToken,
      });
      expect(list.body.items.map((d) => [d.name, d.active])).toEqual([
        ['Sales', false],
        ['Support', true],
      ]);
      const activated = await call<DepartmentView>(
        'POST',
        `/api/v1/departments/${sales.id}/activate`,
        { token: adminToken },
      );
      expect(activated.body).toEqual(sales);
    });
  });

  describe('agents', () => {
    it('reads and edits an agent; a new password replaces the old and ends sessions', async () => {
      ann = await createAgent({
        email: 'ann@example.com',
        name: 'Ann',
        password: PASSWORDS.ann,
        role: 'agent',
        departmentIds: [support.id],
      });
      bob = await createAgent({
        email: 'bob@example.com',
        name: 'Bob',
        password: PASSWORDS.bob,
        role: 'agent',
        departmentIds: [sales.id],
      });
      const one = await call<AgentView>('GET', `/api/v1/agents/${ann.id}`, { token: adminToken });
      expect(one.body).toEqual(ann);
      expectError(
        await call('GET', `/api/v1/agents/${randomUUID()}`, { token: adminToken }),
        404,
        'NOT_FOUND',
      );
      const oldToken = await login('ann@example.com', PASSWORDS.ann);
      const edited = await call<AgentView>('PATCH', `/api/v1/agents/${ann.id}`, {
        token: adminToken,
        body: { name: 'Ann Lee', password: PASSWORDS.annNew },
      });
      expect(edited.status).toBe(200);
      expect(edited.body).toEqual({ ...ann, name: 'Ann Lee' });
      expect(edited.text).not.toContain(PASSWORDS.annNew);
      expectError(
        await call('GET', '/api/v1/tickets', { token: oldToken }),
        401,
        'UNAUTHENTICATED',
      );
      expectError(await attempt('ann@example.com', PASSWORDS.ann), 401, 'INVALID_CREDENTIALS');
      await login('ann@example.com', PASSWORDS.annNew);
      expectError(
        await call('PATCH', `/api/v1/agents/${ann.id}`, { token: adminToken, body: {} }),
        422,
        'VALIDATION_FAILED',
      );
      expectError(
        await call('PATCH', `/api/v1/agents/${ann.id}`, {
          token: adminToken,
          body: { departmentIds: [randomUUID()] },
        }),
        422,
        'DEPARTMENT_NOT_FOUND',
      );
    });

    it('a deactivated agent cannot sign in and their token stops working at once', async () => {
      const eve = await createAgent({
        email: 'eve@example.com',
        name: 'Eve',
        password: PASSWORDS.eve,
        role: 'agent',
        departmentIds: [],
      });
      const token = await login('eve@example.com', PASSWORDS.eve);
      expect((await call('GET', '/api/v1/tickets', { token })).status).toBe(200);
      const deactivated = await call<AgentView>('POST', `/api/v1/agents/${eve.id}/deactivate`, {
        token: adminToken,
      });
      expect(deactivated.status).toBe(200);
      expect(deactivated.body.active).toBe(false);
      expectError(await call('GET', '/api/v1/tickets', { token }), 401, 'UNAUTHENTICATED');
      const refused = expectError(
        await attempt('eve@example.com', PASSWORDS.eve),
        401,
        'INVALID_CREDENTIALS',
      );
      const wrong = expectError(
        await attempt('eve@example.com', 'not-her-password'),
        401,
        'INVALID_CREDENTIALS',
      );
      expect(refused).toEqual(wrong);
      // History stays: the row is still listed.
      const list = await call<{ items: AgentView[] }>('GET', '/api/v1/agents', {
        token: adminToken,
      });
      expect(list.body.items.find((agent) => agent.id === eve.id)?.active).toBe(false);
      await call('POST', `/api/v1/agents/${eve.id}/activate`, { token: adminToken });
      await db.query(`DELETE FROM desk.login_failures WHERE subject = 'email:eve@example.com'`);
      await login('eve@example.com', PASSWORDS.eve);
    });

    it('protects the last active admin and refuses self-deactivation', async () => {
      expectError(
        await call('POST', `/api/v1/agents/${adminId}/deactivate`, { token: adminToken }),
        409,
        'CANNOT_DEACTIVATE_SELF',
      );
      expectError(
        await call('PATCH', `/api/v1/agents/${adminId}`, {
          token: adminToken,
          body: { role: 'agent' },
        }),
        409,
        'LAST_ACTIVE_ADMIN',
      );
      const admin2 = await createAgent({
        email: 'admin2@example.com',
        name: 'Second admin',
        password: PASSWORDS.admin2,
        role: 'admin',
        departmentIds: [],
      });
      const admin2Token = await login('admin2@example.com', PASSWORDS.admin2);
      // With two active admins, one may deactivate the other, but not the last one left.
      expect(
        (await call('POST', `/api/v1/agents/${admin2.id}/deactivate`, { token: adminToken }))
          .status,
      ).toBe(200);
      expectError(
        await call('GET', '/api/v1/agents', { token: admin2Token }),
        401,
        'UNAUTHENTICATED',
      );
      expectError(
        await call('PATCH', `/api/v1/agents/${adminId}`, {
          token: adminToken,
          body: { role: 'agent' },
        }),
        409,
        'LAST_ACTIVE_ADMIN',
      );
      expect(
        (await call('GET', `/api/v1/agents/${adminId}`, { token: adminToken })).body,
      ).toMatchObject({ role: 'admin', active: true });
    });
  });

  describe('sign-in throttling', () => {
    it('answers the 6th attempt for an e-mail 429 with Retry-After, doubling per further failure', async () => {
      for (let failure = 1; failure <= 5; failure += 1) {
        expectError(await attempt('bob@example.com', 'wrong-password'), 401, 'INVALID_CREDENTIALS');
      }
      const throttled = await attempt('bob@example.com', PASSWORDS.bob);
      const error = expectError(throttled, 429, 'TOO_MANY_ATTEMPTS');
      const seconds = error.details['retryAfterSeconds'];
      expect(seconds).toBeGreaterThanOrEqual(29);
      expect(seconds).toBeLessThanOrEqual(30);
      expect(throttled.headers.get('retry-after')).toBe(String(seconds));
      // Once the lockout ends, a further failure locks for twice as long.
      await db.query(
        `UPDATE desk.login_failures SET locked_until = now() - interval '1 second'
         WHERE subject = 'email:bob@example.com'`,
      );
      expectError(await attempt('bob@example.com', 'wrong-again'), 401, 'INVALID_CREDENTIALS');
      const longer = expectError(
        await attempt('bob@example.com', PASSWORDS.bob),
        429,
        'TOO_MANY_ATTEMPTS',
      );
      expect(longer.details['retryAfterSeconds']).toBeGreaterThanOrEqual(59);
      await db.query(`DELETE FROM desk.login_failures WHERE subject = 'email:bob@example.com'`);
    });

    it('a success clears the e-mail’s counter', async () => {
      for (let failure = 1; failure <= 4; failure += 1) {
        expectError(await attempt('bob@example.com', 'wrong-password'), 401, 'INVALID_CREDENTIALS');
      }
      await login('bob@example.com', PASSWORDS.bob);
      for (let failure = 1; failure <= 4; failure += 1) {
        expectError(await attempt('bob@example.com', 'wrong-password'), 401, 'INVALID_CREDENTIALS');
      }
      await login('bob@example.com', PASSWORDS.bob);
    });

    it('throttles a client address across e-mails', async () => {
      const ip = freshIp();
      for (let failure = 1; failure <= 5; failure += 1) {
        expectError(
          await attempt(`nobody${failure}@example.com`, 'guess', ip),
          401,
          'INVALID_CREDENTIALS',
        );
      }
      const throttled = await attempt('bob@example.com', PASSWORDS.bob, ip);
      expectError(throttled, 429, 'TOO_MANY_ATTEMPTS');
      expect(Number(throttled.headers.get('retry-after'))).toBeGreaterThan(0);
      expect((await attempt('bob@example.com', PASSWORDS.bob, freshIp())).status).toBe(200);
    });
  });

  describe('agent ↔ channel association and ticket scope', () => {
    let channelA: string;
    let channelB: string;
    let channelC: string;
    let ticketA: string;
    let ticketB: string;
    let ticketC: string;
    let annToken: string;
    let bobToken: string;

    const path = (departmentId: string, agentId: string): string =>
      `/api/v1/departments/${departmentId}/agents/${agentId}/channels`;

    beforeAll(async () => {
      channelA = await insertChannel(support.id);
      channelB = await insertChannel(support.id);
      channelC = await insertChannel(sales.id);
      ticketA = await insertTicket(channelA, support.id);
      ticketB = await insertTicket(channelB, support.id);
      ticketC = await insertTicket(channelC, sales.id);
      annToken = await login('ann@example.com', PASSWORDS.annNew);
      bobToken = await login('bob@example.com', PASSWORDS.bob);
    });

    it('validates: unknown department or agent 404, non-member and foreign channels 422', async () => {
      expectError(
        await call('PUT', path(randomUUID(), ann.id), {
          token: adminToken,
          body: { channelIds: [] },
        }),
        404,
        'NOT_FOUND',
      );
      expectError(
        await call('PUT', path(support.id, randomUUID()), {
          token: adminToken,
          body: { channelIds: [] },
        }),
        404,
        'NOT_FOUND',
      );
      const notMember = expectError(
        await call('PUT', path(sales.id, ann.id), {
          token: adminToken,
          body: { channelIds: [channelC] },
        }),
        422,
        'AGENT_NOT_IN_DEPARTMENT',
      );
      expect(notMember.details).toEqual({ agentId: ann.id, departmentId: sales.id });
      const unknown = randomUUID();
      const foreign = expectError(
        await call('PUT', path(support.id, ann.id), {
          token: adminToken,
          body: { channelIds: [channelA, channelC, unknown] },
        }),
        422,
        'CHANNEL_NOT_IN_DEPARTMENT',
      );
      expect(foreign.details).toEqual({
        departmentId: support.id,
        channelIds: [channelC, unknown],
      });
      expectError(
        await call('PUT', path(support.id, ann.id), {
          token: adminToken,
          body: { channelIds: ['nope'] },
        }),
        422,
        'VALIDATION_FAILED',
      );
      expectError(
        await call('PUT', path(support.id, ann.id), {
          token: annToken,
          body: { channelIds: [channelA] },
        }),
        403,
        'FORBIDDEN',
      );
    });

    it('replaces the set and reads it back', async () => {
      const put = await call<AgentChannelsView>('PUT', path(support.id, ann.id), {
        token: adminToken,
        body: { channelIds: [channelA, channelB] },
      });
      expect(put.status).toBe(200);
      expect(put.body).toEqual({
        departmentId: support.id,
        agentId: ann.id,
        channelIds: [channelA, channelB].sort(),
      });
      await call('PUT', path(support.id, ann.id), {
        token: adminToken,
        body: { channelIds: [channelA] },
      });
      const got = await call<AgentChannelsView>('GET', path(support.id, ann.id), {
        token: adminToken,
      });
      expect(got.body).toEqual({
        departmentId: support.id,
        agentId: ann.id,
        channelIds: [channelA],
      });
    });

    it('an agent sees only tickets of associated channels; the rest is 404 everywhere', async () => {
      const annList = await call<TicketPageView>('GET', '/api/v1/tickets', { token: annToken });
      expect(annList.body.items.map((ticket) => ticket.id)).toEqual([ticketA]);
      expect(
        (await call('GET', `/api/v1/tickets/${ticketA}/messages`, { token: annToken })).status,
      ).toBe(200);
      for (const hidden of [ticketB, ticketC]) {
        expectError(
          await call('GET', `/api/v1/tickets/${hidden}`, { token: annToken }),
          404,
          'NOT_FOUND',
        );
        expectError(
          await call('GET', `/api/v1/tickets/${hidden}/messages`, { token: annToken }),
          404,
          'NOT_FOUND',
        );
        expectError(
          await call('POST', `/api/v1/tickets/${hidden}/messages`, {
            token: annToken,
            body: { type: 'text', text: 'hi' },
          }),
          404,
          'NOT_FOUND',
        );
      }
      // Bob belongs to Sales but has no channel there yet: nothing at all.
      expect(
        (await call<TicketPageView>('GET', '/api/v1/tickets', { token: bobToken })).body.items,
      ).toEqual([]);
      expectError(
        await call('GET', `/api/v1/tickets/${ticketC}`, { token: bobToken }),
        404,
        'NOT_FOUND',
      );
      expectError(
        await call('GET', `/api/v1/tickets/${ticketA}`, { token: bobToken }),
        404,
        'NOT_FOUND',
      );
      await call('PUT', path(sales.id, bob.id), {
        token: adminToken,
        body: { channelIds: [channelC] },
      });
      expect(
        (await call<TicketPageView>('GET', '/api/v1/tickets', { token: bobToken })).body.items.map(
          (ticket) => ticket.id,
        ),
      ).toEqual([ticketC]);
      const all = await call<TicketPageView>('GET', '/api/v1/tickets', { token: adminToken });
      expect(all.body.items.map((ticket) => ticket.id).sort()).toEqual(
        [ticketA, ticketB, ticketC].sort(),
      );
    });

    it('an agent reads only associated channels, without the WeChat configuration values', async () => {
      const list = await call<{ items: Array<Record<string, unknown>> }>(
        'GET',
        '/api/v1/channels',
        {
          token: annToken,
        },
      );
      expect(list.status).toBe(200);
      expect(list.body.items.map((channel) => channel['id'])).toEqual([channelA]);
      for (const field of ['token', 'encodingAesKey', 'callbackUrl']) {
        expect(list.body.items[0]).not.toHaveProperty(field);
      }
      expect((await call('GET', `/api/v1/channels/${channelA}`, { token: annToken })).status).toBe(
        200,
      );
      for (const hidden of [channelB, channelC]) {
        expectError(
          await call('GET', `/api/v1/channels/${hidden}`, { token: annToken }),
          404,
          'NOT_FOUND',
        );
        expectError(
          await call('GET', `/api/v1/channels/${hidden}/icon`, { token: annToken }),
          404,
          'NOT_FOUND',
        );
      }
      // Changing a channel stays an admin's job.
      expect(
        (await call('POST', `/api/v1/channels/${channelA}/disable`, { token: annToken })).status,
      ).toBe(403);
    });

    it('leaving a department drops its associations at once', async () => {
      await call('PATCH', `/api/v1/agents/${bob.id}`, {
        token: adminToken,
        body: { departmentIds: [support.id] },
      });
      expectError(
        await call('GET', `/api/v1/tickets/${ticketC}`, { token: bobToken }),
        404,
        'NOT_FOUND',
      );
      expect(
        (await call<AgentChannelsView>('GET', path(sales.id, bob.id), { token: adminToken })).body
          .channelIds,
      ).toEqual([]);
    });
  });

  describe('audit log', () => {
    it('records every admin change, newest first, paged, with no secret values', async () => {
      const first = await call<AuditPageView>('GET', '/api/v1/audit-log?limit=3', {
        token: adminToken,
      });
      expect(first.status).toBe(200);
      expect(first.body.items).toHaveLength(3);
      expect(first.body.nextCursor).toEqual(expect.any(String));
      const entries = [...first.body.items];
      let cursor = first.body.nextCursor;
      while (cursor !== null) {
        const page = await call<AuditPageView>(
          'GET',
          `/api/v1/audit-log?limit=50&cursor=${cursor}`,
          { token: adminToken },
        );
        entries.push(...page.body.items);
        cursor = page.body.nextCursor;
      }
      const ids = entries.map((entry) => Number(entry.id));
      expect(ids).toEqual([...ids].sort((a, b) => b - a));
      const actions = entries.map((entry) => entry.action);
      for (const action of [
        'department.created',
        'department.updated',
        'department.deactivated',
        'department.activated',
        'agent.created',
        'agent.updated',
        'agent.deactivated',
        'agent.activated',
        'agent.channels_replaced',
      ]) {
        expect(actions).toContain(action);
      }
      const rename = entries.find((entry) => entry.action === 'department.updated')!;
      expect(rename).toMatchObject({
        actorId: adminId,
        target: { type: 'department', id: sales.id },
        changes: { before: { name: 'Sale' }, after: { name: 'Sales' } },
      });
      const passwordChange = entries.find(
        (entry) => entry.action === 'agent.updated' && entry.target.id === ann.id,
      )!;
      expect(passwordChange.changes).toEqual({
        before: { name: 'Ann' },
        after: { name: 'Ann Lee' },
        secretsChanged: ['password'],
      });
      const rows = await db.query('SELECT * FROM desk.audit_log');
      const everything = JSON.stringify(entries) + JSON.stringify(rows.rows);
      for (const password of [...Object.values(PASSWORDS), ADMIN.password]) {
        expect(everything).not.toContain(password);
      }
      expect(everything).not.toMatch(/scrypt\$/);
      expectError(
        await call('GET', '/api/v1/audit-log?cursor=bogus', { token: adminToken }),
        422,
        'VALIDATION_FAILED',
      );
      const annToken = await login('ann@example.com', PASSWORDS.annNew);
      expectError(await call('GET', '/api/v1/audit-log', { token: annToken }), 403, 'FORBIDDEN');
    });

    it('writes the entry in the same transaction as the change', async () => {
      // An audit entry that cannot be written takes its change down with it.
      await db.query(
        `ALTER TABLE desk.audit_log ADD CONSTRAINT test_refuse_renames
         CHECK (action <> 'department.updated') NOT VALID`,
      );
      try {
        const refused = await call('PATCH', `/api/v1/departments/${sales.id}`, {
          token: adminToken,
          body: { name: 'Sales and Marketing' },
        });
        expect(refused.status).toBe(500);
      } finally {
        await db.query(`ALTER TABLE desk.audit_log DROP CONSTRAINT test_refuse_renames`);
      }
      const department = await db.query('SELECT name FROM desk.departments WHERE id = $1', [
        sales.id,
      ]);
      expect(department.rows[0].name).toBe('Sales');
    });
  });
});
