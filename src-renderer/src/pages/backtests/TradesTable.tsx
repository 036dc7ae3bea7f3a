import { useVirtualizer } from '@tanstack/react-virtual';
import { useRef } from 'react';
import { FILL_REASON_NAMES, type TRADE_COLUMNS } from '../../../../src-preload/contract/backtests';
import { day, num, pct } from './format';

type Columns = Record<(typeof TRADE_COLUMNS)[number], Float64Array>;
const ROW = 28;

/** Virtualised: only the visible rows exist in the DOM, so 100,000 trades scroll smoothly. */
export function TradesTable({ columns }: { columns: Columns }) {
  const scroller = useRef<HTMLDivElement>(null);
  const n = columns.pnl.length;
  const v = useVirtualizer({
    count: n,
    getScrollElement: () => scroller.current,
    estimateSize: () => ROW,
    overscan: 20,
  });
  return (
    <div className="trades-table" role="table" aria-label="Trades" aria-rowcount={n}>
      <div className="trow thead" role="row">
        {[
          '#',
          'Side',
          'Qty',
          'Entry',
          'Entry price',
          'Exit',
          'Exit price',
          'P&L',
          'Return',
          'Exit reason',
        ].map((h) => (
          <span key={h} role="columnheader">
            {h}
          </span>
        ))}
      </div>
      <div ref={scroller} className="tbody" style={{ height: Math.min(400, n * ROW + 2), overflow: 'auto' }}>
        <div style={{ height: v.getTotalSize(), position: 'relative' }}>
          {v.getVirtualItems().map((r) => {
            const i = r.index;
            const pnl = columns.pnl[i]!;
            return (
              <div
                key={i}
                role="row"
                className="trow"
                style={{
                  position: 'absolute',
                  top: 0,
                  left: 0,
                  right: 0,
                  height: ROW,
                  transform: `translateY(${r.start}px)`,
                }}
              >
                <span>{i + 1}</span>
                <span>{columns.side[i] === 1 ? 'Long' : 'Short'}</span>
                <span>{num(columns.qty[i], 0)}</span>
                <span>{day(columns.entryTime[i]!)}</span>
                <span>{num(columns.entryPrice[i], 4)}</span>
                <span>{day(columns.exitTime[i]!)}</span>
                <span>{num(columns.exitPrice[i], 4)}</span>
                <span className={pnl >= 0 ? 'good' : 'bad'}>{num(pnl)}</span>
                <span>{pct(columns.returnPct[i] ?? null)}</span>
                <span>{FILL_REASON_NAMES[columns.exitReason[i]!]}</span>
              </div>
            );
          })}
        </div>
      </div>
    </div>
  );
}
