import { useState } from 'react';
import type { SandboxExecuteOutput } from '../../../../src-preload/contract/sandbox';
import type { ErrorPayload } from '../../../../src-preload/errors';
import { api } from '../../api';
import { CodeEditor } from '../../components/code/CodeEditor';
import { ErrorMessage } from '../../components/ErrorMessage';

const SAMPLE = `// Runs in an isolated sandbox: no files, no network, no Node.
const closes = [10, 11, 12, 11, 13, 14];
const sma = (xs, n) => xs.slice(-n).reduce((a, b) => a + b, 0) / n;
console.log('SMA(3) =', sma(closes, 3));
({ last: closes.at(-1), sma3: sma(closes, 3) });
`;

/** A scratch console for strategy code: edit, run (button or Ctrl/Cmd+Enter), read the output. */
export function StrategyConsole({ initialCode = SAMPLE }: { initialCode?: string }) {
  const [code, setCode] = useState(initialCode);
  const [timeoutS, setTimeoutS] = useState(10);
  const [running, setRunning] = useState(false);
  const [out, setOut] = useState<SandboxExecuteOutput | null>(null);
  const [failure, setFailure] = useState<ErrorPayload | null>(null);

  const run = async () => {
    if (running) return;
    setRunning(true);
    setFailure(null);
    const r = await api.sandbox.execute({ code, timeoutMs: timeoutS * 1000 });
    setRunning(false);
    if (r.ok) setOut(r.data);
    else {
      setOut(null);
      setFailure(r.error);
    }
  };

  const err = out?.error;
  return (
    <section className="panel strategy-console" aria-label="Strategy console">
      <div className="toolbar">
        <button type="button" className="primary" onClick={() => void run()} disabled={running}>
          {running ? 'Running…' : 'Run'}
        </button>
        <span className="hint">Ctrl/Cmd+Enter</span>
        <label className="inline">
          Timeout (s)
          <input
            type="number"
            min={1}
            max={300}
            value={timeoutS}
            aria-label="Timeout in seconds"
            onChange={(e) => setTimeoutS(Math.min(300, Math.max(1, Number(e.target.value) || 1)))}
          />
        </label>
      </div>
      <CodeEditor
        value={code}
        onChange={setCode}
        onRun={() => void run()}
        ariaLabel="Strategy code"
        mark={err?.line ? { line: err.line, column: err.column, message: err.message } : null}
      />
      {failure && <ErrorMessage error={failure} />}
      {out && (
        <div className="console-output" data-testid="console-output">
          <p className={out.success ? 'status good' : 'status bad'}>
            {out.success ? 'Finished' : `Failed: ${err?.code ?? ''}`} in {out.durationMs.toFixed(1)} ms
          </p>
          {err && (
            <pre className="stderr" data-testid="console-error">
              {err.message}
              {err.line ? ` (line ${err.line}${err.column ? `, column ${err.column}` : ''})` : ''}
              {err.stack?.length ? `\n${err.stack.join('\n')}` : ''}
            </pre>
          )}
          {out.stdout && (
            <>
              <h3>Output{out.stdoutTruncated ? ' (truncated)' : ''}</h3>
              <pre data-testid="console-stdout">{out.stdout}</pre>
            </>
          )}
          {out.stderr && (
            <>
              <h3>Errors and warnings{out.stderrTruncated ? ' (truncated)' : ''}</h3>
              <pre className="stderr">{out.stderr}</pre>
            </>
          )}
          {out.result !== undefined && (
            <>
              <h3>Result</h3>
              <pre data-testid="console-result">{JSON.stringify(out.result, null, 2)}</pre>
            </>
          )}
        </div>
      )}
    </section>
  );
}
