import { useEffect, useState } from 'react';
import { api } from '../../api';

interface Template {
  id: string;
  name: string;
  description: string;
}

/** "New from template": SMA crossover, RSI mean reversion, breakout, buy and hold. */
export function TemplatePicker({
  onPick,
  disabled,
}: {
  onPick: (id: string, name: string) => void;
  disabled: boolean;
}) {
  const [templates, setTemplates] = useState<Template[]>([]);
  useEffect(() => {
    void api.strategies.templates().then((r) => {
      if (r.ok) setTemplates(r.data.items);
    });
  }, []);
  return (
    <label className="template-picker">
      New from template
      <select
        aria-label="New from template"
        value=""
        disabled={disabled || templates.length === 0}
        onChange={(e) => {
          const t = templates.find((x) => x.id === e.target.value);
          if (t) onPick(t.id, t.name);
        }}
      >
        <option value="">Choose…</option>
        {templates.map((t) => (
          <option key={t.id} value={t.id} title={t.description}>
            {t.name}
          </option>
        ))}
      </select>
    </label>
  );
}
