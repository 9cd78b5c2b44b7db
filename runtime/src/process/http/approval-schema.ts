/** An approval request as the approval routes and a held move's 202 answer it (ADR 028). */
export const APPROVAL = {
  type: 'object',
  required: ['id', 'kind', 'record', 'to', 'approvers', 'required', 'decisions', 'status', 'createdAt'],
  properties: {
    id: { type: 'string', format: 'uuid' },
    kind: { enum: ['move', 'edit'], description: 'A held stage move, or a held change of the record outside transitions (ADR 028 addendum).' },
    record: { type: 'object', properties: { id: { type: 'string' }, type: { type: 'string' }, title: { type: 'string' } } },
    process: { type: ['object', 'null'], properties: { id: { type: 'string' }, version: { type: 'integer' } } },
    transition: { type: ['string', 'null'] }, from: { type: ['string', 'null'] }, to: { type: ['string', 'null'], description: 'A move\'s target stage (null for an edit).' },
    edit: { type: ['object', 'null'], description: 'An edit: the entity approval that applied and the changed fields before and as asked for.', properties: { rule: { type: 'string' }, label: {}, fields: { type: 'array', items: { type: 'string' } }, before: { type: 'object' }, after: { type: 'object' } } }, labels: { type: 'object', description: 'The stages\' labels (a text or the text by language).', properties: { from: {}, to: {} } },
    requester: { type: ['string', 'null'] }, approvers: { type: 'array', items: { type: 'string' } }, required: { type: 'integer' }, mode: { enum: ['parallel', 'sequential'] }, next: { type: ['string', 'null'], description: 'In a sequence, whose turn it is.' },
    decisions: { type: 'array', items: { type: 'object', properties: { user: { type: 'string' }, decision: { enum: ['approve', 'reject'] }, comment: { type: ['string', 'null'] }, at: { type: 'string', format: 'date-time' } } } },
    status: { enum: ['pending', 'approving', 'approved', 'rejected', 'withdrawn', 'failed'] }, reason: { type: ['string', 'null'] },
    createdAt: { type: 'string', format: 'date-time' }, decidedAt: { type: ['string', 'null'], format: 'date-time' },
  },
};
