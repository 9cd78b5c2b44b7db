/** Placeholder replaced by the rule builder. */
export function RuleBuilderPage() {
  return null;
}
