import type { PluginServices, PluginUser } from '@pipewright/plugin-sdk';
import { bookOf } from './transfer';

/**
 * When an admin deactivates a rep (issue 18: "when a rep is deactivated, or on demand, the admin or
 * manager chooses a rule"): if the rep still owns accounts, open deals, contacts or open tasks,
 * his nearest managers and the admins are told, with the counts, to choose a rule on "Transfer a
 * rep's book" (`/p/crm/transfers?from=<id>`, preselected). Nothing moves until they do. Returns
 * how many people were told.
 */
export async function bookLeftBehind(user: PluginUser, s: PluginServices): Promise<number> {
  const book = await bookOf(s, user.id);
  const counts = { accounts: book.accounts.length, deals: book.openDeals.length, contacts: book.contacts.length, tasks: book.openTasks.length };
  if (counts.accounts + counts.deals + counts.contacts + counts.tasks === 0) return 0;
  const managers = (await s.directory.managersOf(user.id)).map((u) => u.id);
  const admins = (await s.directory.users({ role: 'admin' })).map((u) => u.id);
  const users = [...new Set([...managers, ...admins])].filter((u) => u !== user.id);
  const link = `/p/crm/transfers?from=${encodeURIComponent(user.id)}`;
  return s.notifications.send({
    users,
    kind: 'book-left-behind',
    key: `book-left-behind:${user.id}:${s.clock.now().toISOString()}`,
    title: { en: `${user.name} was deactivated and still owns a book`, 'zh-CN': `${user.name} 已停用，名下仍有客户资源` },
    body: {
      en: `${counts.accounts} accounts, ${counts.deals} open deals, ${counts.contacts} contacts and ${counts.tasks} open tasks. Choose who takes them over on "Transfer a rep's book".`,
      'zh-CN': `${counts.accounts} 个客户、${counts.deals} 个进行中的商机、${counts.contacts} 个联系人、${counts.tasks} 个未完成任务。请在“移交销售资源”中选择接手方式。`,
    },
    data: { user: user.id, ...counts, link },
  });
}
