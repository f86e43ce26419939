import { Inject, Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';

import { BlobStore, type StoredBlob } from './blob-store';

/** The default store: a bytea table in its own schema, shared by the services' databases. */
@Injectable()
export class PostgresBlobStore extends BlobStore {
  constructor(@Inject(DataSource) private readonly dataSource: DataSource) {
    super();
  }

  async put(key: string, blob: { bytes: Buffer; contentType: string }): Promise<void> {
    await this.dataSource.query(
      `INSERT INTO blobs.objects (key, content_type, size, bytes) VALUES ($1, $2, $3, $4)
       ON CONFLICT (key) DO NOTHING`,
      [key, blob.contentType, blob.bytes.length, blob.bytes],
    );
  }

  async get(key: string): Promise<StoredBlob | null> {
    const rows: Array<{ bytes: Buffer; content_type: string; size: number }> =
      await this.dataSource.query(
        'SELECT bytes, content_type, size FROM blobs.objects WHERE key = $1',
        [key],
      );
    const row = rows[0];
    return row === undefined
      ? null
      : { bytes: row.bytes, contentType: row.content_type, size: Number(row.size) };
  }
}
