import { randomBytes } from 'node:crypto';

import type { DataSource } from 'typeorm';

import { createServiceDataSource, migrateAll } from '@wechat-desk/shared/persistence';
import { createTestDatabase, type TestDatabase } from '@wechat-desk/shared/testing';

import { blobStoreMigrations } from './migrations';
import { PostgresBlobStore } from './postgres-blob-store';

describe(PostgresBlobStore.name, () => {
  let database: TestDatabase;
  let dataSource: DataSource;
  let store: PostgresBlobStore;

  beforeAll(async () => {
    database = await createTestDatabase('blob store');
    await migrateAll(database.url, [{ schema: 'blobs', migrations: blobStoreMigrations }]);
    // Any service's data source reads the shared schema: conversation's here.
    dataSource = createServiceDataSource({
      databaseUrl: database.url,
      schema: 'conversation',
      entities: [],
      migrations: [],
      applicationName: 'blob-store-test',
    });
    await dataSource.initialize();
    store = new PostgresBlobStore(dataSource);
  });

  afterAll(async () => {
    await dataSource.destroy();
    await database.drop();
  });

  it('gives back exactly the bytes and type it was given, binary and empty alike', async () => {
    const bytes = Buffer.concat([randomBytes(3 * 1024 * 1024), Buffer.from([0, 0xff, 0])]);
    await store.put('a', { bytes, contentType: 'video/mp4' });
    await store.put('empty', { bytes: Buffer.alloc(0), contentType: 'audio/amr' });

    const stored = await store.get('a');
    expect(stored?.contentType).toBe('video/mp4');
    expect(stored?.size).toBe(bytes.length);
    expect(stored?.bytes.equals(bytes)).toBe(true);
    expect(await store.get('empty')).toEqual({
      bytes: Buffer.alloc(0),
      contentType: 'audio/amr',
      size: 0,
    });
  });

  it('keeps the first bytes when a key is put again (a redelivered download)', async () => {
    await store.put('twice', { bytes: Buffer.from('first'), contentType: 'image/png' });
    await store.put('twice', { bytes: Buffer.from('second'), contentType: 'image/jpeg' });

    const stored = await store.get('twice');
    expect(stored?.bytes.toString()).toBe('first');
    expect(stored?.contentType).toBe('image/png');
  });

  it('answers null for a key it never stored', async () => {
    expect(await store.get('missing')).toBeNull();
  });
});
