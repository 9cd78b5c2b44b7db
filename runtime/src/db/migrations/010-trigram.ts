import type { Kysely, Migration } from 'kysely';
import { ensureTrigram, trigramAvailable } from '../trigram';

/**
 * pg_trgm, for entity indexes with `method: "trigram"` and the plugin service
 * `records.similar`: installed in `public` where the server has it. A server without it (a
 * PGlite opened without the contrib extension) migrates all the same; the first trigram index
 * then installs it or names what is missing (`ensureEntityIndexes`).
 */
export const trigram: Migration = {
  async up(db: Kysely<unknown>) {
    if (await trigramAvailable(db)) await ensureTrigram(db);
  },
  // The extension is shared by every schema of the database: it is left in place.
  async down() {},
};
