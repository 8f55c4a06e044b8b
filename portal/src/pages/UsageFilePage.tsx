// One usage file. The vendor uploads a CSV or XLSX (a progress bar for the bytes sent, then the rows read
// while the file is validated), sees what is wrong per row, submits a READY file or deletes it. The
// distributor it is addressed to accepts or rejects a PENDING file (with a note) and closes an accepted one
// with a billing id. There is no usage subscription: while the file is UPLOADING or PROCESSING the page
// asks again every second.
import {
  Alert,
  Button,
  FileInput,
  Group,
  Paper,
  Progress,
  SimpleGrid,
  Stack,
  Table,
  Text,
  Textarea,
  TextInput,
  Title,
} from '@mantine/core';
import { useEffect, useState } from 'react';
import { useMutation, useQuery } from 'urql';
import { ConnectionTable } from '../components/ConnectionTable.js';
import { ErrorAlerts, LoadState, StatusBadge, usePager, when } from '../components/common.js';
import { apiErrors, fieldError, formErrors, type ShownError } from '../errors.js';
import {
  AcceptUsageFileDocument,
  CloseUsageFileDocument,
  DeleteUsageFileDocument,
  RejectUsageFileDocument,
  SubmitUsageFileDocument,
  UsageFileErrorsDocument,
  UsageFilePageDocument,
  type UsageFilePageQuery,
} from '../generated/graphql.js';
import { useSession } from '../session-context.js';
import { type UploadProgress, uploadUsage } from '../upload.js';

type UsageFile = NonNullable<UsageFilePageQuery['usageFile']>;
const BUSY = ['UPLOADING', 'PROCESSING'];
const UPLOADABLE = ['DRAFT', 'INVALID', 'READY', 'REJECTED'];

export function UsageFilePage({ id }: { id: string }) {
  const [{ data, fetching, error }, refetch] = useQuery({ query: UsageFilePageDocument, variables: { id } });
  const file = data?.usageFile;
  const busy = !!file && BUSY.includes(file.status);
  // An interval, not a timeout per render: an answer equal to the last one renders nothing new.
  useEffect(() => {
    if (!busy) return;
    const timer = setInterval(() => refetch({ requestPolicy: 'network-only' }), 1000);
    return () => clearInterval(timer);
  }, [busy, refetch]);
  return (
    <Stack>
      <Group gap="sm">
        <Title order={2}>Usage file {id}</Title>
        {file && <StatusBadge status={file.status} testId="usage-status" />}
      </Group>
      <LoadState
        fetching={fetching}
        error={error}
        hasData={data !== undefined}
        empty={data !== undefined && !file}
        emptyText={`No usage file ${id} that you may see.`}
      />
      {file && <Summary file={file} />}
      {file && <Actions file={file} refetch={() => refetch({ requestPolicy: 'network-only' })} />}
      {file && (file.status === 'INVALID' || file.counts.invalid > 0) && (
        <Problems key={`${file.upload?.generation ?? 0}:${file.status}`} file={file} />
      )}
    </Stack>
  );
}

function Summary({ file }: { file: UsageFile }) {
  const fact = (label: string, value: React.ReactNode) => (
    <div>
      <Text size="xs" c="dimmed">
        {label}
      </Text>
      <Text size="sm">{value}</Text>
    </div>
  );
  return (
    <Paper withBorder p="md">
      <SimpleGrid cols={{ base: 1, xs: 2, md: 4 }}>
        {fact('Name', file.name)}
        {fact('Product', file.product ? `${file.product.name} (${file.product.id})` : '—')}
        {fact('Period', `${file.period.from} – ${file.period.to}`)}
        {fact('Vendor → distributor', `${file.vendor.name} → ${file.provider.name}`)}
        {fact('Marketplace', file.marketplace?.name ?? '—')}
        {fact('Schema · currency', `${file.schema} · ${file.currency}`)}
        {fact(
          'Upload',
          file.upload
            ? `${file.upload.fileName ?? file.upload.format} (#${file.upload.generation})`
            : 'none yet',
        )}
        {fact(
          'Records',
          <span data-testid="usage-counts">
            {file.counts.valid} valid, {file.counts.invalid} invalid
          </span>,
        )}
        {file.acceptanceNote && fact('Acceptance note', file.acceptanceNote)}
        {file.rejectionNote && fact('Rejection note', file.rejectionNote)}
        {fact('Updated', when(file.updatedAt))}
      </SimpleGrid>
    </Paper>
  );
}

function Actions({ file, refetch }: { file: UsageFile; refetch: () => void }) {
  const { account } = useSession();
  if (file.vendor.id === account.id) return <VendorActions file={file} refetch={refetch} />;
  if (file.provider.id === account.id) return <ProviderActions file={file} />;
  return null;
}

function VendorActions({ file, refetch }: { file: UsageFile; refetch: () => void }) {
  const { token } = useSession();
  const [chosen, setChosen] = useState<File | null>(null);
  const [progress, setProgress] = useState<UploadProgress | null>(null);
  const [uploading, setUploading] = useState(false);
  const [uploadErrors, setUploadErrors] = useState<ShownError[]>([]);
  const [submitState, submit] = useMutation(SubmitUsageFileDocument);
  const [deleteState, remove] = useMutation(DeleteUsageFileDocument);
  const errors = [...uploadErrors, ...apiErrors(submitState.error), ...apiErrors(deleteState.error)];

  const upload = async () => {
    if (!chosen) {
      setUploadErrors([
        { code: 'BAD_USER_INPUT', message: 'Choose a CSV or XLSX file first', field: 'file' },
      ]);
      return;
    }
    setUploadErrors([]);
    setUploading(true);
    setProgress({ sent: 0, total: chosen.size });
    const failed = await uploadUsage(token, file.id, chosen, setProgress);
    setUploading(false);
    setUploadErrors(failed);
    refetch();
  };
  const pct = progress && progress.total > 0 ? Math.round((100 * progress.sent) / progress.total) : 0;
  const busy = BUSY.includes(file.status);

  return (
    <Paper withBorder p="md">
      <Stack gap="sm">
        <Title order={4}>Report</Title>
        {UPLOADABLE.includes(file.status) && (
          <Group align="end">
            <FileInput
              label="Usage records (CSV or XLSX)"
              placeholder="Choose a file"
              accept=".csv,.xlsx,text/csv,application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
              value={chosen}
              onChange={setChosen}
              clearable
              error={fieldError(errors, 'file')}
              w={320}
            />
            <Button
              onClick={upload}
              loading={uploading}
              variant={file.status === 'READY' ? 'default' : 'filled'}
            >
              Upload
            </Button>
          </Group>
        )}
        {progress && (
          <Stack gap={4}>
            <Progress value={pct} aria-label="Upload progress" data-testid="upload-progress" size="lg" />
            <Text size="xs" c="dimmed">
              {pct < 100
                ? `Uploading: ${pct}% of ${progress.total} bytes`
                : `Uploaded ${progress.total} bytes`}
            </Text>
          </Stack>
        )}
        {busy && (
          <Stack gap={4}>
            <Progress value={100} animated striped aria-label="Validation progress" />
            <Text size="xs" c="dimmed" data-testid="validation-progress">
              Validating: {file.counts.processed} rows read
            </Text>
          </Stack>
        )}
        <ErrorAlerts errors={formErrors(errors, ['file'])} />
        <Group>
          {file.status === 'READY' && (
            <Button
              onClick={() => submit({ input: { usageFile: file.id } })}
              loading={submitState.fetching}
              color="green"
            >
              Submit to {file.provider.name}
            </Button>
          )}
          {['DRAFT', 'INVALID', 'READY'].includes(file.status) && (
            <Button
              variant="subtle"
              color="red"
              onClick={() => remove({ input: { usageFile: file.id } })}
              loading={deleteState.fetching}
            >
              Delete
            </Button>
          )}
        </Group>
      </Stack>
    </Paper>
  );
}

function ProviderActions({ file }: { file: UsageFile }) {
  const [note, setNote] = useState('');
  const [billingId, setBillingId] = useState('');
  const [acceptState, accept] = useMutation(AcceptUsageFileDocument);
  const [rejectState, reject] = useMutation(RejectUsageFileDocument);
  const [closeState, close] = useMutation(CloseUsageFileDocument);
  const errors = [
    ...apiErrors(acceptState.error),
    ...apiErrors(rejectState.error),
    ...apiErrors(closeState.error),
  ];
  if (file.status === 'PENDING')
    return (
      <Paper withBorder p="md">
        <Stack gap="sm" maw={520}>
          <Title order={4}>Accept or reject</Title>
          <Textarea
            label="Note"
            description="Required to reject: what the vendor should correct"
            value={note}
            onChange={(e) => setNote(e.currentTarget.value)}
            error={fieldError(errors, 'note')}
          />
          <ErrorAlerts errors={formErrors(errors, ['note'])} />
          <Group>
            <Button
              color="green"
              onClick={() => accept({ input: { usageFile: file.id, note: note.trim() || null } })}
              loading={acceptState.fetching}
            >
              Accept
            </Button>
            <Button
              color="red"
              variant="light"
              onClick={() => reject({ input: { usageFile: file.id, note: note.trim() || null } })}
              loading={rejectState.fetching}
            >
              Reject
            </Button>
          </Group>
        </Stack>
      </Paper>
    );
  if (file.status === 'ACCEPTED')
    return (
      <Paper withBorder p="md">
        <Stack gap="sm" maw={520}>
          <Title order={4}>Close with a billing id</Title>
          <TextInput
            label="Billing id"
            description="Given to every record not closed yet"
            value={billingId}
            onChange={(e) => setBillingId(e.currentTarget.value)}
            error={fieldError(errors, 'externalBillingId')}
          />
          <ErrorAlerts errors={formErrors(errors, ['externalBillingId'])} />
          <Group>
            <Button
              onClick={() => close({ input: { usageFile: file.id, externalBillingId: billingId.trim() } })}
              loading={closeState.fetching}
            >
              Close file
            </Button>
          </Group>
        </Stack>
      </Paper>
    );
  return null;
}

/** Why the file is INVALID: the reason, and every invalid row a page at a time. */
function Problems({ file }: { file: UsageFile }) {
  const pager = usePager();
  const [{ data, fetching, error }] = useQuery({
    query: UsageFileErrorsDocument,
    variables: { id: file.id, first: 20, after: pager.after },
    // the page is mounted afresh for each upload (its key): the rows of the one before are not shown
    requestPolicy: 'network-only',
  });
  return (
    <Paper withBorder p="md">
      <Stack gap="sm">
        <Title order={4}>What is wrong</Title>
        {file.errorDetail && (
          <Alert color="red" data-testid="usage-error-detail">
            {file.errorDetail}
          </Alert>
        )}
        <ConnectionTable
          result={{ conn: data?.usageFile?.records, fetching, error }}
          pager={pager}
          columns={['Row', 'Record id', 'Problems']}
          testId="usage-errors"
          rowTestId="usage-error"
          minWidth={560}
          emptyText="No invalid rows."
          row={(r) => (
            <>
              <Table.Td>{r.row}</Table.Td>
              <Table.Td>{r.recordId ?? '—'}</Table.Td>
              <Table.Td>
                {r.errors.map((e) => (
                  <Text key={e} size="sm" c="red">
                    {e}
                  </Text>
                ))}
              </Table.Td>
            </>
          )}
        />
      </Stack>
    </Paper>
  );
}
