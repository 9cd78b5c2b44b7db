import { sql, type Kysely, type Migration } from 'kysely';

/**
 * Rate-limit counters are hit on every API request by every client of a user. As a logged table
 * each hit waits for a WAL flush while holding the row lock, so one busy user serialises on disk
 * syncs. Counters are disposable (a crash may reset a window), so the table is UNLOGGED.
 */
export const unloggedRateLimits: Migration = {
  async up(db: Kysely<unknown>) {
    await sql`alter table rate_limits set unlogged`.execute(db);
  },
  async down(db: Kysely<unknown>) {
    await sql`alter table rate_limits set logged`.execute(db);
  },
};
