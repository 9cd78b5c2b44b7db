import { describe, expect, it } from 'vitest';
import { addDays, allocate, daysBetween, planProblems, splitPlan } from './allocate';

const plan = [
  { id: 'b', seq: 2, due_date: '2026-02-28', cents: 30000 },
  { id: 'a', seq: 1, due_date: '2026-01-31', cents: 30000 },
  { id: 'c', seq: 3, due_date: '2026-03-31', cents: 40000 },
];
const pay = (id: string, instalment: string | null, paid_on: string, cents: number) => ({ id, instalment_id: instalment, paid_on, cents, created_at: `2026-01-01T00:00:0${id.length}Z` });

describe('allocating payments to a plan', () => {
  it('fills the named instalment first, carries the excess to the earliest due, flags what exceeds the plan', () => {
    const a = allocate(plan, [pay('p1', 'c', '2026-01-05', 45000)]);
    expect(a.instalments.get('c')).toEqual({ paid: 40000, remaining: 0, paid_on: '2026-01-05', status: 'paid' });
    expect(a.instalments.get('a')).toEqual({ paid: 5000, remaining: 25000, paid_on: null, status: 'partial' });
    expect(a.instalments.get('b')?.status).toBe('open');
    expect(a).toMatchObject({ collected: 45000, outstanding: 55000, overpaid: 0, next_due_date: '2026-01-31', status: 'open' });
    const over = allocate(plan, [pay('p1', 'c', '2026-01-05', 45000), pay('p2', null, '2026-02-01', 60000)]);
    expect(over).toMatchObject({ collected: 105000, outstanding: 0, overpaid: 5000, next_due_date: null, status: 'overpaid' });
    expect(over.instalments.get('b')).toEqual({ paid: 30000, remaining: 0, paid_on: '2026-02-01', status: 'paid' });
  });

  it('takes payments in the order they were paid, whatever order they come in; unknown instalments count as none', () => {
    const a = allocate(plan, [pay('late', 'a', '2026-03-01', 30000), pay('early', 'gone', '2026-01-10', 10000)]);
    // early (no known instalment) -> a: 10000; late -> a's remaining 20000, then 10000 to b.
    expect(a.instalments.get('a')).toEqual({ paid: 30000, remaining: 0, paid_on: '2026-03-01', status: 'paid' });
    expect(a.instalments.get('b')).toEqual({ paid: 10000, remaining: 20000, paid_on: null, status: 'partial' });
    expect(a.collected - a.overpaid + a.outstanding).toBe(100000);
  });

  it('says paid when exactly paid, and keeps the sum identity for any payments', () => {
    expect(allocate(plan, [pay('p', null, '2026-01-01', 100000)])).toMatchObject({ outstanding: 0, overpaid: 0, status: 'paid' });
    for (let seed = 1; seed < 50; seed++) {
      const payments = Array.from({ length: seed % 7 }, (_, k) => pay(`p${k}`, ['a', 'b', 'c', null][(seed + k) % 4] ?? null, `2026-0${1 + ((seed * k) % 9)}-1${k % 10}`, ((seed * 7919 + k * 104729) % 50000) + 1));
      const a = allocate(plan, payments);
      expect(a.collected - a.overpaid + a.outstanding).toBe(100000);
      expect([...a.instalments.values()].every((i) => i.remaining >= 0 && i.paid >= 0)).toBe(true);
    }
  });
});

describe('plans', () => {
  it('splits a value into equal cents, the last taking the rounding, due every interval', () => {
    expect(splitPlan(1000, 3, '2026-01-31', 30)).toEqual([
      { due_date: '2026-01-31', amount: 333.33 },
      { due_date: '2026-03-02', amount: 333.33 },
      { due_date: '2026-04-01', amount: 333.34 },
    ]);
    expect(splitPlan(0.05, 2, '2026-01-01', 1).map((p) => p.amount)).toEqual([0.02, 0.03]);
  });

  it('refuses a plan that does not sum to the value, or an amount below a cent or with three decimals, naming the pointer', () => {
    expect(planProblems(1000, [{ due_date: '2026-01-01', amount: 400 }, { due_date: '2026-02-01', amount: 600 }])).toEqual([]);
    expect(planProblems(1000, [{ due_date: '2026-01-01', amount: 400 }])).toEqual([{ pointer: '/instalments', message: 'the instalments sum to 400.00, not the contract value 1000.00', code: 'pipeline.plan-sum' }]);
    expect(planProblems(1000, [{ due_date: '2026-01-01', amount: 999.995 }, { due_date: '2026-01-01', amount: 0.001 }]).map((p) => p.pointer)).toEqual(['/instalments/0/amount', '/instalments/1/amount', '/instalments/1/amount']);
  });

  it('counts calendar days', () => {
    expect(addDays('2026-02-27', 2)).toBe('2026-03-01');
    expect(daysBetween('2026-04-30', '2026-06-15')).toBe(46);
  });
});
