import { useEffect, useState } from 'react';
import { ErrorMessage } from '../../components/ErrorMessage';
import { useSync } from '../../stores/sync-store';

const mb = (b: number): string => `${(b / (1024 * 1024)).toFixed(1)} MB`;

/** Settings → Sync: sign in to a server, set the passphrase, see the state, sync or sign out. */
export function SyncSection() {
  const { status, busy, error, refresh, configure, syncNow, signOut } = useSync();
  const [serverUrl, setServerUrl] = useState('');
  const [email, setEmail] = useState('');
  const [password, setPassword] = useState('');
  const [passphrase, setPassphrase] = useState('');
  const [register, setRegister] = useState(false);
  const [encrypt, setEncrypt] = useState(true);

  useEffect(() => {
    void refresh();
  }, [refresh]);

  if (!status) return null;
  const signedIn = status.configured;

  return (
    <fieldset className="panel sync-section">
      <legend>Sync</legend>
      {error && <ErrorMessage error={error} />}
      {signedIn ? (
        <>
          <p>
            Signed in as <strong>{status.email}</strong> on {status.serverUrl}.{' '}
            {status.encrypted
              ? 'End-to-end encrypted.'
              : 'Not encrypted: the server operator can read synced data.'}
          </p>
          <dl className="sync-facts">
            <dt>Last sync</dt>
            <dd>{status.lastSyncAt ? new Date(status.lastSyncAt).toLocaleString() : 'never'}</dd>
            <dt>Changes waiting</dt>
            <dd>{status.pending}</dd>
            {status.quota && (
              <>
                <dt>Server storage</dt>
                <dd>
                  {mb(status.quota.usedBytes)} of {mb(status.quota.limitBytes)} ·{' '}
                  {status.quota.usedMessages.toLocaleString()} of{' '}
                  {status.quota.limitMessages.toLocaleString()} changes
                </dd>
              </>
            )}
          </dl>
          {status.error && (
            <p role="status" className="sync-error" data-code={status.error.code}>
              {status.error.message}
            </p>
          )}
          <button type="button" disabled={busy} onClick={() => void syncNow()}>
            Sync now
          </button>{' '}
          <button type="button" disabled={busy} onClick={() => void signOut()}>
            Sign out
          </button>
          <p className="hint">
            Signing out keeps your data on this computer and forgets the sign-in and the key.
          </p>
        </>
      ) : (
        <form
          onSubmit={(e) => {
            e.preventDefault();
            void configure({
              serverUrl,
              email,
              password,
              action: register ? 'register' : 'signIn',
              encrypt,
              ...(encrypt ? { passphrase } : {}),
            }).then((ok) => ok && (setPassword(''), setPassphrase('')));
          }}
        >
          <label>
            Server address
            <input
              type="url"
              required
              placeholder="https://sync.example.com"
              value={serverUrl}
              onChange={(e) => setServerUrl(e.target.value)}
            />
          </label>
          <label>
            Email
            <input
              type="email"
              required
              autoComplete="username"
              value={email}
              onChange={(e) => setEmail(e.target.value)}
            />
          </label>
          <label>
            Password
            <input
              type="password"
              required
              minLength={8}
              autoComplete={register ? 'new-password' : 'current-password'}
              value={password}
              onChange={(e) => setPassword(e.target.value)}
            />
          </label>
          <label>
            <input type="checkbox" checked={register} onChange={(e) => setRegister(e.target.checked)} />{' '}
            Create a new account on this server
          </label>
          <label>
            <input type="checkbox" checked={encrypt} onChange={(e) => setEncrypt(e.target.checked)} /> Encrypt
            everything on this computer before it is sent (recommended)
          </label>
          {encrypt ? (
            <>
              <label>
                Sync passphrase
                <input
                  type="password"
                  required
                  minLength={8}
                  autoComplete="off"
                  value={passphrase}
                  onChange={(e) => setPassphrase(e.target.value)}
                />
              </label>
              <p className="hint">
                Your strategies are encrypted with this passphrase before they leave this computer; the server
                stores only scrambled data. Use the same passphrase on all your devices.{' '}
                <strong>If you lose it, nobody can recover your synced data</strong> — not the server operator
                and not Quantdesk. Devices already signed in keep working; write it down somewhere safe.
              </p>
            </>
          ) : (
            <p className="hint">Without encryption, whoever runs the server can read your strategies.</p>
          )}
          <button type="submit" disabled={busy}>
            {register ? 'Create account and sync' : 'Sign in and sync'}
          </button>
        </form>
      )}
    </fieldset>
  );
}
