// Small pieces every page uses: status badges, the loading/empty/error states, a cursor pager over the
// API's connections, and the API's errors shown as alerts.
import { Alert, Badge, Button, Center, Group, Loader, Text } from '@mantine/core';
import type { CombinedError } from '@urql/core';
import { useState } from 'react';
import { apiErrors, type ShownError } from '../errors.js';

const COLORS: Record<string, string> = {
  PENDING: 'yellow',
  INQUIRING: 'orange',
  TIERS_SETUP: 'grape',
  APPROVED: 'green',
  ACTIVE: 'green',
  FAILED: 'red',
  TERMINATED: 'gray',
  TERMINATING: 'gray',
  SUSPENDED: 'violet',
  PROCESSING: 'blue',
  SCHEDULED: 'cyan',
  REVOKED: 'gray',
  REVOKING: 'gray',
  DRAFT: 'gray',
  LISTED: 'green',
  UNLISTED: 'gray',
  PUBLISHED: 'green',
  ENDOFSALE: 'gray',
  ENROLLING: 'orange',
  REVIEWING: 'yellow',
  DEPLOYING: 'blue',
  COMPLETED: 'green',
  CANCELED: 'gray',
  UPLOADING: 'blue',
  INVALID: 'red',
  READY: 'teal',
  ACCEPTED: 'green',
  REJECTED: 'red',
  CLOSED: 'gray',
};

export function StatusBadge({ status, testId }: { status: string; testId?: string }) {
  return (
    <Badge
      color={COLORS[status] ?? 'gray'}
      variant="light"
      data-testid={testId}
      data-status={status}
      // a narrow table column must not cut the status to an ellipsis
      style={{ minWidth: 'max-content' }}
    >
      {status.replace('_', ' ')}
    </Badge>
  );
}

export function ErrorAlerts({ errors }: { errors: ShownError[] }) {
  if (errors.length === 0) return null;
  return (
    <>
      {errors.map((e) => (
        <Alert key={`${e.code}:${e.message}`} color="red" role="alert" title={e.code}>
          {e.message}
        </Alert>
      ))}
    </>
  );
}

/** Loading, failed or empty; null when there is something to show. */
export function LoadState(props: {
  fetching: boolean;
  error: CombinedError | undefined;
  empty: boolean;
  emptyText: string;
  hasData: boolean;
}) {
  if (!props.hasData && props.fetching)
    return (
      <Center p="xl">
        <Loader aria-label="Loading" />
      </Center>
    );
  if (!props.hasData && props.error) return <ErrorAlerts errors={apiErrors(props.error)} />;
  if (props.hasData && props.empty)
    return (
      <Text c="dimmed" p="md" data-testid="empty">
        {props.emptyText}
      </Text>
    );
  return null;
}

/** Cursor pages: `after` of the current page, and a stack to go back. */
export function usePager() {
  const [stack, setStack] = useState<(string | null)[]>([null]);
  const after = stack[stack.length - 1] ?? null;
  return {
    after,
    page: stack.length,
    next: (cursor: string | null | undefined) => cursor && setStack((s) => [...s, cursor]),
    previous: () => setStack((s) => (s.length > 1 ? s.slice(0, -1) : s)),
    reset: () => setStack([null]),
  };
}

export function Pager(props: {
  pager: ReturnType<typeof usePager>;
  total: number;
  hasNextPage: boolean;
  endCursor: string | null | undefined;
}) {
  const { pager } = props;
  return (
    <Group justify="space-between" mt="sm">
      <Text size="sm" c="dimmed" data-testid="total">
        {props.total} in all · page {pager.page}
      </Text>
      <Group gap="xs">
        <Button variant="default" size="xs" disabled={pager.page === 1} onClick={pager.previous}>
          Previous
        </Button>
        <Button
          variant="default"
          size="xs"
          disabled={!props.hasNextPage}
          onClick={() => pager.next(props.endCursor)}
        >
          Next
        </Button>
      </Group>
    </Group>
  );
}

export const when = (iso: string | null | undefined) => (iso ? new Date(iso).toLocaleString() : '—');
