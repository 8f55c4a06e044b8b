// The API's errors where they belong: each GraphQL error carries `extensions.code` and, for bad input,
// `extensions.field` (`input.params.tenant_name`, `input.items.0.quantity`); a form shows a field's error
// next to that field and everything else above the form.
import type { CombinedError } from '@urql/core';

export interface ShownError {
  code: string;
  message: string;
  field: string | null;
}

export function apiErrors(error: CombinedError | undefined | null): ShownError[] {
  if (!error) return [];
  if (error.networkError && error.graphQLErrors.length === 0)
    return [
      {
        code: 'NETWORK',
        message: 'The gateway cannot be reached; check the connection and try again.',
        field: null,
      },
    ];
  return error.graphQLErrors.map((e) => {
    const raw = typeof e.extensions?.field === 'string' ? e.extensions.field : null;
    return {
      code: String(e.extensions?.code ?? 'INTERNAL_SERVER_ERROR'),
      // shown beside the field, the message need not name it again
      message: raw && e.message.startsWith(`${raw}: `) ? e.message.slice(raw.length + 2) : e.message,
      field: raw ? raw.replace(/^input\./, '') : null,
    };
  });
}

/** The message for one form field (`params.tenant_name`), if the API named it. */
export function fieldError(errors: ShownError[], field: string): string | undefined {
  return errors.find((e) => e.field === field)?.message;
}

/** Errors no field of the form claims: shown above it. */
export function formErrors(errors: ShownError[], fields: string[]): ShownError[] {
  return errors.filter((e) => !e.field || !fields.includes(e.field));
}
