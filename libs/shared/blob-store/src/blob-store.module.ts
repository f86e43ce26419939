import { Module } from '@nestjs/common';

import { BlobStore } from './blob-store';
import { PostgresBlobStore } from './postgres-blob-store';

/** Provides BlobStore; needs the app's PersistenceModule (its DataSource). */
@Module({
  providers: [{ provide: BlobStore, useClass: PostgresBlobStore }],
  exports: [BlobStore],
})
export class BlobStoreModule {}
