import { describe, expect, it } from 'vitest';
import { entityChoices } from './entity-choices';

describe('entityChoices', () => {
  it('names entities by label, keeping the id only where two share a label', () => {
    expect(entityChoices([{ fullId: 'pipeline.deal', label: 'Deal' }, { fullId: 'crm.activity', label: 'Activity' }, { fullId: 'acme.activity', label: 'Activity' }])).toEqual([
      { value: 'pipeline.deal', label: 'Deal' },
      { value: 'crm.activity', label: 'Activity (crm.activity)' },
      { value: 'acme.activity', label: 'Activity (acme.activity)' },
    ]);
  });
});
