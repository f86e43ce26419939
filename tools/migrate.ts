import { conversationMigrations } from '@wechat-desk/conversation/feature';
import { deskMigrations } from '@wechat-desk/desk/data-access';
import { ingressMigrations } from '@wechat-desk/ingress/feature';
import { outboundMigrations } from '@wechat-desk/outbound/feature';
import { blobStoreMigrations } from '@wechat-desk/shared/blob-store';
import { loadConfig } from '@wechat-desk/shared/config';
import { migrateAll, type ServiceMigrations } from '@wechat-desk/shared/persistence';
import { ticketingMigrations } from '@wechat-desk/ticketing/feature';

/** Every service's schema, in one list, for the start command, the tests and operators. */
export const ALL_MIGRATIONS: ServiceMigrations[] = [
  { schema: 'desk', migrations: deskMigrations },
  { schema: 'ingress', migrations: ingressMigrations },
  { schema: 'conversation', migrations: conversationMigrations },
  { schema: 'ticketing', migrations: ticketingMigrations },
  { schema: 'outbound', migrations: outboundMigrations },
  { schema: 'blobs', migrations: blobStoreMigrations },
];

async function main(): Promise<void> {
  const config = loadConfig();
  const applied = await migrateAll(config.DATABASE_URL, ALL_MIGRATIONS);
  process.stdout.write(
    applied.length === 0 ? 'Database is up to date.\n' : `Applied:\n  ${applied.join('\n  ')}\n`,
  );
}

if (require.main === module) {
  main().catch((error: unknown) => {
    console.error(error instanceof Error ? error.message : error);
    process.exit(1);
  });
}
