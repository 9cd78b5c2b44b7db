import { PGlite } from '@electric-sql/pglite';
const lite = new PGlite();
for (const depth of [100, 1000, 3000, 10000]) {
  try { await lite.query(`select $1::jsonb as x`, ['['.repeat(depth) + ']'.repeat(depth)]); console.log(depth, 'ok'); } catch (e) { console.log(depth, (e as Error).message); }
}
try { console.log(await lite.query(`select $1::numeric`, ['abc'])); } catch (e) { console.log('numeric', (e as Error).message); }
try { console.log((await lite.query(`select 1 as one`)).rows); } catch (e) { console.log('after', (e as Error).message); }
const l2 = new PGlite();
try { console.log(await l2.query(`select $1::numeric`, ['abc'])); } catch (e) { console.log('numeric fresh', (e as Error).message); }
try { console.log(await l2.query(`select $1::timestamptz`, ['0000-01-01'])); } catch (e) { console.log('ts fresh', (e as Error).message); }
