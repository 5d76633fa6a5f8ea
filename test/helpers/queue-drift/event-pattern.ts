/**
 * EventBridge event-pattern matching for the operators queueDrift's rule uses: exact values,
 * `prefix`, `suffix`, `wildcard` (`*` only) and `$or`. A field the pattern names must exist in
 * the event; a leaf matches when any of its values matches (any element of an array value).
 * https://docs.aws.amazon.com/eventbridge/latest/userguide/eb-event-patterns.html
 * https://docs.aws.amazon.com/eventbridge/latest/userguide/eb-create-pattern-operators.html
 * Any other operator throws, so a pattern using one cannot pass unnoticed.
 */
type Json = unknown;

export function matchesPattern(pattern: Record<string, Json>, event: Json): boolean {
  if (typeof event !== 'object' || event === null || Array.isArray(event)) return false;
  const fields = event as Record<string, Json>;
  return Object.entries(pattern).every(([key, rule]) => {
    if (key === '$or') return (rule as Array<Record<string, Json>>).some((p) => matchesPattern(p, event));
    if (!(key in fields)) return false;
    if (Array.isArray(rule)) return leafMatches(rule, fields[key]);
    return matchesPattern(rule as Record<string, Json>, fields[key]);
  });
}

function leafMatches(rules: Json[], value: Json): boolean {
  const values = Array.isArray(value) ? value : [value];
  return values.some((v) => rules.some((rule) => valueMatches(rule, v)));
}

function valueMatches(rule: Json, value: Json): boolean {
  if (rule === null || typeof rule !== 'object') return rule === value;
  const [op, arg, ...rest] = Object.entries(rule as Record<string, Json>).flat();
  if (rest.length > 0 || typeof arg !== 'string')
    throw new Error(`unsupported matcher ${JSON.stringify(rule)}`);
  if (typeof value !== 'string') return false;
  switch (op) {
    case 'prefix':
      return value.startsWith(arg);
    case 'suffix':
      return value.endsWith(arg);
    case 'wildcard': {
      const regex = new RegExp(`^${arg.split('*').map(escape).join('.*')}$`, 's');
      return regex.test(value);
    }
    default:
      throw new Error(`unsupported matcher ${JSON.stringify(rule)}`);
  }
}

function escape(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}
