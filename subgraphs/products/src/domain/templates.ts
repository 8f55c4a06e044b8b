// Templates (§2.5): markdown with `{{ parameter_name }}` placeholders, rendered per request (the
// activation text of an approved purchase, the message of an inquiry).
import type { TemplateScope, TemplateType } from './vocabulary.js';
import { optionalText, text } from './vocabulary.js';

export interface TemplateDef {
  _id: string;
  title: string;
  body: string;
  scope: TemplateScope;
  type: TemplateType;
}

export type TemplateFields = Omit<TemplateDef, '_id'>;

const PLACEHOLDER = /\{\{\s*([A-Za-z0-9_.-]+)\s*\}\}/g;

export function cleanTemplateFields(f: TemplateFields): TemplateFields {
  return {
    ...f,
    title: text(f.title, 'input.title', 255),
    body: optionalText(f.body, 'input.body', 20_000) ?? '',
  };
}

/** The names a body refers to, in order of first appearance. */
export function placeholders(body: string): string[] {
  return [...new Set([...body.matchAll(PLACEHOLDER)].map((m) => m[1]!))];
}

/** Replaces each placeholder by its value; a name without a value renders as nothing. */
export function renderTemplate(
  body: string,
  values: readonly { name: string; value?: string | null }[],
): string {
  const byName = new Map(values.map((v) => [v.name, v.value ?? '']));
  return body.replace(PLACEHOLDER, (_, name: string) => byName.get(name) ?? '');
}
