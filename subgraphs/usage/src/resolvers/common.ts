// Small input helpers of the usage resolvers.
import { badInput } from '@daas/kit';

export function text(value: string | null | undefined, field: string, max = 2000): string | null {
  const t = value?.trim() || null;
  if (t && t.length > max) throw badInput(field, `at most ${max} characters`);
  return t;
}

export function requiredText(value: string | null | undefined, field: string, max = 200): string {
  const t = text(value, field, max);
  if (!t) throw badInput(field, 'required');
  return t;
}
