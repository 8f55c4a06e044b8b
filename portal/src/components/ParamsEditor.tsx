// A request's parameters as a form: values the caller may edit, and (for the vendor) a "wrong value"
// message per parameter. The parent owns the state so its actions send exactly what is shown.
import { Table, Text, TextInput } from '@mantine/core';
import { useEffect, useState } from 'react';
import { fieldError, type ShownError } from '../errors.js';

export interface ParamState {
  name: string;
  value: string;
  valueError: string;
  /** as the API has it, to send only what changed */
  original: { value: string; valueError: string };
}

export const paramStates = (params: ApiParam[]) =>
  params.map((p) => ({
    name: p.name,
    value: p.value ?? '',
    valueError: p.valueError ?? '',
    original: { value: p.value ?? '', valueError: p.valueError ?? '' },
  }));

type ApiParam = { name: string; value?: string | null; valueError?: string | null };

/**
 * The form's state, reset to what the API has whenever that changes (anyone's edit, arriving live): the
 * page shows the request as it is, never a stale draft. Mutation states (errors) outlive the reset.
 */
export function useParamsForm(params: ApiParam[]) {
  const [state, setState] = useState<ParamState[]>(() => paramStates(params));
  const fromApi = JSON.stringify(params);
  useEffect(() => setState(paramStates(JSON.parse(fromApi) as ApiParam[])), [fromApi]);
  return [state, setState] as const;
}

export function ParamsEditor(props: {
  params: ParamState[];
  onChange: (params: ParamState[]) => void;
  editValues: boolean;
  editErrors: boolean;
  errors: ShownError[];
}) {
  const set = (i: number, patch: Partial<ParamState>) =>
    props.onChange(props.params.map((p, j) => (j === i ? { ...p, ...patch } : p)));
  if (props.params.length === 0) return <Text c="dimmed">No parameters.</Text>;
  return (
    <Table.ScrollContainer minWidth={560}>
      <Table data-testid="params">
        <Table.Thead>
          <Table.Tr>
            <Table.Th>Parameter</Table.Th>
            <Table.Th>Value</Table.Th>
            <Table.Th>{props.editErrors ? 'Mark wrong (message to the buyer)' : 'Problem'}</Table.Th>
          </Table.Tr>
        </Table.Thead>
        <Table.Tbody>
          {props.params.map((p, i) => (
            <Table.Tr key={p.name} data-testid={`param-${p.name}`}>
              <Table.Td>
                <Text size="sm" fw={500}>
                  {p.name}
                </Text>
              </Table.Td>
              <Table.Td>
                {props.editValues ? (
                  <TextInput
                    aria-label={`Value of ${p.name}`}
                    value={p.value}
                    onChange={(e) => set(i, { value: e.currentTarget.value })}
                    error={fieldError(props.errors, `params.${p.name}`)}
                  />
                ) : (
                  <Text size="sm">{p.value || '—'}</Text>
                )}
              </Table.Td>
              <Table.Td>
                {props.editErrors ? (
                  <TextInput
                    aria-label={`Value error of ${p.name}`}
                    placeholder="the value is right"
                    value={p.valueError}
                    onChange={(e) => set(i, { valueError: e.currentTarget.value })}
                  />
                ) : (
                  <Text size="sm" c="red" data-testid={`param-error-${p.name}`}>
                    {p.valueError}
                  </Text>
                )}
              </Table.Td>
            </Table.Tr>
          ))}
        </Table.Tbody>
      </Table>
    </Table.ScrollContainer>
  );
}
