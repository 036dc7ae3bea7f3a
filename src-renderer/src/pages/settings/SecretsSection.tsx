import { useCallback, useEffect, useState } from 'react';
import { SECRET_VALUE_MAX, type SecretName } from '../../../../src-preload/contract/secrets';
import type { ErrorPayload } from '../../../../src-preload/errors';
import { api } from '../../api';
import { ErrorMessage } from '../../components/ErrorMessage';

const FIXED: { name: SecretName; label: string }[] = [
  { name: 'sync:token', label: 'Sync server token' },
  { name: 'sync:key', label: 'Sync encryption key' },
  { name: 'redis:password', label: 'Redis password' },
];
const BROKER_ID = /^[a-z0-9-]{1,40}$/;

const brokerIdsOf = (names: readonly string[]): string[] =>
  [
    ...new Set(names.map((n) => /^broker:([a-z0-9-]+):/.exec(n)?.[1]).filter((id): id is string => !!id)),
  ].sort();

/**
 * API keys and tokens, kept in the OS keychain by main. This screen only ever learns which
 * secrets are set: values go one way (typed here, sent once, the field cleared) and no channel
 * returns them.
 */
export function SecretsSection() {
  const [names, setNames] = useState<string[] | null>(null);
  const [brokers, setBrokers] = useState<string[]>([]);
  const [error, setError] = useState<ErrorPayload | null>(null);
  const [newBroker, setNewBroker] = useState('');

  const refresh = useCallback(
    () =>
      api.secrets.list().then((r) => {
        if (r.ok) {
          setNames(r.data.names);
          setBrokers((b) => [...new Set([...b, ...brokerIdsOf(r.data.names)])].sort());
          setError(null);
        } else {
          setError(r.error);
        }
      }),
    [],
  );
  useEffect(() => {
    void refresh();
  }, [refresh]);

  const rows: { name: SecretName; label: string }[] = [
    ...FIXED,
    ...brokers.flatMap((id) => [
      { name: `broker:${id}:apiKey` as SecretName, label: `Broker ${id}: API key` },
      { name: `broker:${id}:apiSecret` as SecretName, label: `Broker ${id}: API secret` },
    ]),
  ];

  return (
    <fieldset className="panel" aria-label="Secrets">
      <legend>API keys and secrets</legend>
      <p className="hint">
        Stored in your system keychain, never in Quantdesk’s files. Values cannot be shown again.
      </p>
      {error && <ErrorMessage error={error} onRetry={() => void refresh()} />}
      {names && (
        <table className="table" aria-label="Secrets">
          <tbody>
            {rows.map((row) => (
              <SecretRow
                key={row.name}
                {...row}
                isSet={names.includes(row.name)}
                onChanged={refresh}
                onError={setError}
              />
            ))}
          </tbody>
        </table>
      )}
      {names && (
        <form
          style={{ display: 'flex', gap: 8, alignItems: 'end' }}
          onSubmit={(e) => {
            e.preventDefault();
            if (!BROKER_ID.test(newBroker)) return;
            setBrokers((b) => [...new Set([...b, newBroker])].sort());
            setNewBroker('');
          }}
        >
          <label>
            Add a broker (id: a–z, 0–9, -)
            <input
              aria-label="Broker id"
              value={newBroker}
              pattern="[a-z0-9\-]{1,40}"
              onChange={(e) => setNewBroker(e.target.value)}
            />
          </label>
          <button type="submit" disabled={!BROKER_ID.test(newBroker)}>
            Add broker
          </button>
        </form>
      )}
    </fieldset>
  );
}

function SecretRow(props: {
  name: SecretName;
  label: string;
  isSet: boolean;
  onChanged: () => Promise<void>;
  onError: (e: ErrorPayload | null) => void;
}) {
  const [value, setValue] = useState('');
  const [busy, setBusy] = useState(false);
  const [confirming, setConfirming] = useState(false);

  const run = async (call: () => Promise<{ ok: true } | { ok: false; error: ErrorPayload }>) => {
    setBusy(true);
    const r = await call();
    setBusy(false);
    props.onError(r.ok ? null : r.error);
    await props.onChanged();
  };
  const save = () => {
    const v = value;
    setValue(''); // the value leaves the form as soon as it is sent
    return run(() => api.secrets.set({ name: props.name, value: v }));
  };

  return (
    <tr data-secret={props.name}>
      <td>{props.label}</td>
      <td>
        <span className={props.isSet ? 'status good' : 'status'} aria-label={`${props.label} status`}>
          {props.isSet ? 'Set' : 'Not set'}
        </span>
      </td>
      <td>
        <form
          style={{ display: 'flex', gap: 8 }}
          onSubmit={(e) => {
            e.preventDefault();
            if (value) void save();
          }}
        >
          <input
            type="password"
            autoComplete="off"
            aria-label={props.label}
            placeholder={props.isSet ? 'New value' : 'Value'}
            maxLength={SECRET_VALUE_MAX}
            value={value}
            disabled={busy}
            onChange={(e) => setValue(e.target.value)}
          />
          <button type="submit" className="primary" disabled={busy || !value}>
            {props.isSet ? 'Replace' : 'Save'}
          </button>
          {props.isSet &&
            (confirming ? (
              <>
                <button
                  type="button"
                  className="danger"
                  disabled={busy}
                  onClick={() => {
                    setConfirming(false);
                    void run(() => api.secrets.delete({ name: props.name }));
                  }}
                >
                  Confirm remove
                </button>
                <button type="button" onClick={() => setConfirming(false)}>
                  Cancel
                </button>
              </>
            ) : (
              <button type="button" disabled={busy} onClick={() => setConfirming(true)}>
                Remove
              </button>
            ))}
        </form>
      </td>
    </tr>
  );
}
