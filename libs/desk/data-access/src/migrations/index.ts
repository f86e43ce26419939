import { DeskInitial1764040000000 } from './1764040000000-desk-initial';

/** In order; tools/migrate.ts runs them in the desk schema. */
export const deskMigrations = [DeskInitial1764040000000];
