/** Shapes the report routes (日报/周报) answer, shared by the rep's and the manager's pages. */

export interface ReportQuestion {
  key: string;
  label: string;
  label_zh?: string;
  required?: boolean;
}
export interface ReportTemplateView {
  id: string;
  name: string;
  period: 'daily' | 'weekly';
  questions: ReportQuestion[];
  figures: string[];
  timeZone: string;
}
export interface ReportComment {
  by: string;
  by_name?: string;
  at: string;
  text: string;
}
export interface ReportView {
  id: string;
  owner: string | null;
  answers: Record<string, string>;
  figures: Record<string, number>;
  submittedAt: string;
  late: boolean;
  comments: ReportComment[];
}
export interface PeriodView {
  start: string;
  end: string;
  deadline: string;
}

/** A question's label in the reader's language (the Chinese label in zh-CN when the template gives one). */
export function questionLabel(q: ReportQuestion, language: string): string {
  return language === 'zh-CN' && q.label_zh ? q.label_zh : q.label;
}

/** An instant as date and time in the template's time zone and the reader's language. */
export function zonedTime(iso: string, timeZone: string, language: string): string {
  return new Intl.DateTimeFormat(language, { timeZone, month: 'short', day: 'numeric', hour: '2-digit', minute: '2-digit', hourCycle: 'h23' }).format(new Date(iso));
}
