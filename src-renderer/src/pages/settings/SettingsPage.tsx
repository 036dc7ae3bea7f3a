import { NUMBER_FORMATS, THEMES, TIMEFRAMES } from '../../../../src-preload/contract/user';
import { ErrorMessage } from '../../components/ErrorMessage';
import { usePreferences } from '../../stores/preferences-store';
import { RateLimitSection } from './RateLimitSection';
import { SecretsSection } from './SecretsSection';
import { SyncSection } from './SyncSection';

/**
 * Settings: appearance, mode and trading defaults. Feature sections (rate limits, secrets,
 * sync) add themselves below as their own components.
 */
export function SettingsPage() {
  const { prefs, mode, update, setMode, saving, error } = usePreferences();
  if (!prefs || !mode) return null;
  return (
    <section className="page settings">
      <h1>Settings</h1>
      {error && <ErrorMessage error={error} />}

      <fieldset className="panel">
        <legend>Appearance and mode</legend>
        <label>
          Theme
          <select
            aria-label="Theme"
            value={prefs.theme}
            disabled={saving}
            onChange={(e) => void update({ theme: e.target.value as (typeof THEMES)[number] })}
          >
            {THEMES.map((t) => (
              <option key={t} value={t}>
                {t === 'system' ? 'Follow system' : t[0]!.toUpperCase() + t.slice(1)}
              </option>
            ))}
          </select>
        </label>
        <div role="radiogroup" aria-label="Mode" className="mode-toggle">
          {(['beginner', 'expert'] as const).map((m) => (
            <label key={m}>
              <input
                type="radio"
                name="mode"
                value={m}
                checked={mode === m}
                disabled={saving}
                onChange={() => void setMode(m)}
              />
              {m === 'beginner' ? 'Beginner' : 'Expert'}
            </label>
          ))}
        </div>
        <p className="hint">
          Beginner mode hides advanced options and explains each metric; expert mode shows everything.
        </p>
      </fieldset>

      <fieldset className="panel">
        <legend>Trading defaults</legend>
        <label>
          Default timeframe
          <select
            aria-label="Default timeframe"
            value={prefs.defaultTimeframe}
            onChange={(e) => void update({ defaultTimeframe: e.target.value as (typeof TIMEFRAMES)[number] })}
          >
            {TIMEFRAMES.map((t) => (
              <option key={t}>{t}</option>
            ))}
          </select>
        </label>
        <NumberField
          label="Commission per trade"
          value={prefs.defaultCommissionPerTrade}
          min={0}
          max={1000}
          step={0.01}
          onCommit={(v) => update({ defaultCommissionPerTrade: v })}
        />
        <NumberField
          label="Commission (%)"
          value={prefs.defaultCommissionPct}
          min={0}
          max={5}
          step={0.01}
          onCommit={(v) => update({ defaultCommissionPct: v })}
        />
        <NumberField
          label="Slippage (%)"
          value={prefs.defaultSlippagePct}
          min={0}
          max={5}
          step={0.01}
          onCommit={(v) => update({ defaultSlippagePct: v })}
        />
        <label>
          Number format
          <select
            aria-label="Number format"
            value={prefs.numberFormat}
            onChange={(e) => void update({ numberFormat: e.target.value as (typeof NUMBER_FORMATS)[number] })}
          >
            {NUMBER_FORMATS.map((f) => (
              <option key={f}>{f}</option>
            ))}
          </select>
        </label>
      </fieldset>

      <RateLimitSection />
      <SecretsSection />
      <SyncSection />
    </section>
  );
}

function NumberField(props: {
  label: string;
  value: number;
  min: number;
  max: number;
  step: number;
  onCommit: (v: number) => Promise<void>;
}) {
  return (
    <label>
      {props.label}
      <input
        type="number"
        aria-label={props.label}
        defaultValue={props.value}
        min={props.min}
        max={props.max}
        step={props.step}
        onBlur={(e) => {
          const v = Number(e.target.value);
          if (e.target.value !== '' && Number.isFinite(v) && v !== props.value) void props.onCommit(v);
        }}
      />
    </label>
  );
}
