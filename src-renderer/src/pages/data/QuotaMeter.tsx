import type { ChannelOutput } from '../../../../src-preload/contract';
import { formatBytes } from './format';

type Usage = ChannelOutput<'storage.usage'>;

/** How much of the user's storage quota is used, in bytes and files. */
export function QuotaMeter({ usage }: { usage: Usage | null }) {
  if (!usage) return null;
  const pct = usage.quotaBytes > 0 ? Math.min(100, (usage.usedBytes / usage.quotaBytes) * 100) : 100;
  const full = pct >= 90 || usage.fileCount >= usage.quotaFiles;
  return (
    <div className="panel quota-meter" aria-label="Storage quota">
      <div className="quota-line">
        <strong>Storage</strong>
        <span>
          {formatBytes(usage.usedBytes)} of {formatBytes(usage.quotaBytes)} · {usage.fileCount} of{' '}
          {usage.quotaFiles} files
        </span>
      </div>
      <meter
        min={0}
        max={usage.quotaBytes}
        value={usage.usedBytes}
        high={usage.quotaBytes * 0.9}
        aria-label="Bytes used"
      />
      {full && <p className="hint">Almost full: delete files you no longer need to import more.</p>}
    </div>
  );
}
