export { BlobStore, type StoredBlob } from './blob-store';
export { BlobStoreModule } from './blob-store.module';
export { blobStoreMigrations } from './migrations';
export { PostgresBlobStore } from './postgres-blob-store';
