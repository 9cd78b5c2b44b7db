import type { PluginTranslation } from '@pipewright/plugin-sdk/studio';
import customer from './customer-messages.en';
import field from './field-translations.en';
import { withFieldVisits, withMessages, withPool } from './merge-translations';
import pool from './pool-translations.en';

const base: PluginTranslation = {
  name: 'CRM',
  entities: {
    'crm.account': {
      label: 'Account',
      labelPlural: 'Accounts',
      help: { name: 'The company’s name as customers know it. Pipewright warns you when a similar account already exists.', status: 'Prospect until the first deal is won, then active; churned when the customer has left.', grade: 'Set automatically by the customer grading rule; change it by hand only with a reason.', parent_account_id: 'The group this company belongs to, if any, so the group’s accounts can be seen together.' },
      fields: { name: 'Name', sector: 'Sector', year_established: 'Year established', annual_revenue: 'Annual revenue', employees: 'Employees', office_location: 'Office location', parent_account_id: 'Parent account', grade: 'Grade', churn_risk: 'Churn risk', won_value: 'Won value', won_deals: 'Won deals', open_deals: 'Open deals', website: 'Website', phone: 'Phone', status: 'Status', description: 'Description', name_key: 'Name key', grade_source: 'Grade source', dedupe_override: 'Duplicate override' },
      enums: {
        grade_source: { rule: 'By the rule', hand: 'By hand' },
        sector: { technology: 'Technology', medical: 'Medical', retail: 'Retail', software: 'Software', entertainment: 'Entertainment', finance: 'Finance', marketing: 'Marketing', services: 'Services', telecommunications: 'Telecommunications', employment: 'Employment', other: 'Other' },
        grade: { A: 'A', B: 'B', C: 'C', D: 'D' },
        churn_risk: { low: 'Low', medium: 'Medium', high: 'High' },
        status: { prospect: 'Prospect', active: 'Active', churned: 'Churned' },
      },
    },
    'crm.contact': {
      label: 'Contact',
      labelPlural: 'Contacts',
      help: { role: 'The part this person plays in the purchase: the decision maker signs, a champion argues for you inside.', email: 'A work address. Pipewright warns you when another contact already has it.' },
      fields: { first_name: 'First name', last_name: 'Last name', email: 'Email', phone: 'Phone', mobile: 'Mobile', title: 'Job title', account_id: 'Account', role: 'Buying role', is_decision_maker: 'Decision maker', email_opt_out: 'No marketing email', notes: 'Notes', email_key: 'Email key', phone_key: 'Phone key', dedupe_override: 'Duplicate override' },
      enums: { role: { decision_maker: 'Decision maker', champion: 'Champion', influencer: 'Influencer', user: 'User', other: 'Other' } },
    },
    'crm.activity': {
      label: 'Activity',
      labelPlural: 'Activities',
      help: { occurred_at: 'When it happened. Leave it empty for a task you still have to do, and set a due date instead.', outcome: 'What came of it, in a sentence: what was agreed, what the customer asked for.' },
      fields: { kind: 'Kind', subject: 'Subject', description: 'Description', occurred_at: 'Occurred at', due_date: 'Due date', done: 'Done', direction: 'Direction', duration_minutes: 'Duration (minutes)', location: 'Location', outcome: 'Outcome', account_id: 'Account', contact_id: 'Contact', deal_id: 'Deal' },
      enums: {
        kind: { call: 'Call', email: 'Email', meeting: 'Meeting', visit: 'Visit', demo: 'Demo', task: 'Task', note: 'Note' },
        direction: { inbound: 'Inbound', outbound: 'Outbound' },
      },
    },
    'crm.grade_change': {
      label: 'Grade change',
      labelPlural: 'Grade changes',
      fields: { account_id: 'Account', from_grade: 'From', to_grade: 'To', source: 'Source', rule: 'Rule', changed_at: 'Changed at' },
      enums: { from_grade: { A: 'A', B: 'B', C: 'C', D: 'D' }, to_grade: { A: 'A', B: 'B', C: 'C', D: 'D' }, source: { rule: 'By the rule', hand: 'By hand' } },
    },
    'crm.grading_rule': {
      label: 'Grading rule',
      labelPlural: 'Grading rules',
      help: { logic: 'The rule that gives an account its grade (A to D): pick a saved rule of the rule library, or write json-logic below.', active: 'The active grading rule grades every account; only one can be active. Without one, the built-in customer grading applies.', rule_versions: 'The versions of the saved rules this rule uses, fixed when it was saved. Save it again to use newer versions.' },
      fields: { name: 'Name', logic: 'Rule', active: 'Active', rule_versions: 'Pinned rule versions' },
    },
    'crm.merge': {
      label: 'Account merge',
      labelPlural: 'Account merges',
      fields: { survivor_id: 'Account kept', duplicate_id: 'Duplicate', status: 'Status', moved: 'Moved references', filled: 'Fields filled', shares: 'Shares copied', undo_until: 'Undo until', requested_by: 'Requested by', note: 'Note' },
      enums: { status: { queued: 'Queued', done: 'Done', undo_queued: 'Undo queued', undone: 'Undone', failed: 'Failed' } },
    },
    'crm.transfer': {
      label: 'Ownership transfer',
      labelPlural: 'Ownership transfers',
      fields: { from_user: 'From', rule: 'Rule', status: 'Status', moved: 'Moved', total: 'Total', targets: 'Receivers', requested_by: 'Requested by', requested_at: 'Requested at' },
      enums: { rule: { manager: 'All to the manager', round_robin: 'Round robin in the team', pool: 'Back to the pool' }, status: { queued: 'Queued', running: 'Running', done: 'Done', failed: 'Failed' } },
    },
  },
  messages: { 'activities.title': 'Activities', 'activities.loading': 'Loading activities…', 'activities.empty': 'No activities logged for this {{entity}}.', "overview.title": "360° account", "overview.loading": "Loading the account…", "overview.failed": "The account overview could not be loaded.", "overview.none": "None", "overview.openValue": "Open value", "overview.wonValue": "Won value", "overview.lastTouch": "Last touch", "overview.nextStep": "Next step", "overview.related": "Related records", "overview.count.contacts": "Contacts", "overview.count.deals": "Deals", "overview.count.openDeals": "Open deals", "overview.count.wonDeals": "Won deals", "overview.count.activities": "Activities", "overview.count.openTasks": "Open tasks", "overview.timeline": "Timeline", "overview.timelineEmpty": "Nothing has happened with this account yet.", "overview.timelineMore": "Showing the latest {{shown}} of {{total}}.", "timeline.activity": "Activity", "timeline.deal": "Deal", "timeline.stage": "Stage move", "timeline.contact": "Contact", "quicklog.title": "Log", "quicklog.call": "Log a call", "quicklog.visit": "Log a visit", "quicklog.note": "Add a note", "quicklog.task": "Add a task", "quicklog.subject": "Subject", "quicklog.notes": "Notes", "quicklog.due": "Due date", "quicklog.save": "Save", "quicklog.cancel": "Cancel", "quicklog.saved": "Logged: {{subject}}", "quicklog.default.call": "Call", "quicklog.default.visit": "Customer visit", "quicklog.default.note": "Note", "quicklog.default.task": "Follow up", "transfer.nav": "Transfer a rep's book", "transfer.title": "Ownership transfer", "transfer.help": "Move a rep's book (accounts, open deals, contacts and open tasks) when they leave or change role. Won and lost deals keep their owner for credit.", "transfer.from": "Rep", "transfer.choose": "Choose a rep", "transfer.inactive": "(inactive)", "transfer.rule": "Rule", "transfer.rule.manager": "All to the manager", "transfer.rule.round_robin": "Round robin in the team", "transfer.rule.pool": "Back to the pool", "transfer.preview": "Preview", "transfer.previewTitle": "{{name}}'s book", "transfer.targets": "Receivers:", "transfer.pool": "the pool (no owner; the team keeps the records)", "transfer.count.accounts": "Accounts", "transfer.count.openDeals": "Open deals", "transfer.count.contacts": "Contacts", "transfer.count.openTasks": "Open tasks", "transfer.count.closedDealsKept": "Closed deals (keep their owner)", "transfer.start": "Move the book", "transfer.progress": "{{moved}} of {{total}} moved…", "transfer.done": "Done: {{moved}} records moved." },
};

/**
 * The crm plugin's studio text in English: entity, field and enum labels and its own messages,
 * with the field-visit, pool and issue-18 texts kept in modules of their own merged in (one chunk
 * per language: the studio loads the reader's only).
 */
const en: PluginTranslation = withPool(withFieldVisits(withMessages(base, customer), field), pool);

export default en;
