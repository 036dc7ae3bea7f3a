import { AreaSeries, createChart, LineSeries, type UTCTimestamp } from 'lightweight-charts';
import { useEffect, useRef } from 'react';

export interface Curve {
  ts: Float64Array;
  equity: Float64Array;
  drawdown: Float64Array;
}

const points = (ts: Float64Array, v: Float64Array, scale = 1) => {
  const out: { time: UTCTimestamp; value: number }[] = [];
  let last = -Infinity;
  for (let i = 0; i < ts.length; i++) {
    const t = Math.floor(ts[i]! / 1000);
    if (t <= last) continue; // the chart needs strictly increasing seconds
    last = t;
    out.push({ time: t as UTCTimestamp, value: v[i]! * scale });
  }
  return out;
};

/** Equity line above, drawdown (per cent, ≤ 0) area below. */
export function EquityCharts({ curve }: { curve: Curve }) {
  const eqHost = useRef<HTMLDivElement>(null);
  const ddHost = useRef<HTMLDivElement>(null);
  useEffect(() => {
    if (!eqHost.current || !ddHost.current) return;
    const eq = createChart(eqHost.current, { height: 200, autoSize: true });
    eq.addSeries(LineSeries, { color: '#2563eb', lineWidth: 2 }).setData(points(curve.ts, curve.equity));
    eq.timeScale().fitContent();
    const dd = createChart(ddHost.current, { height: 140, autoSize: true });
    dd.addSeries(AreaSeries, {
      lineColor: '#b42318',
      topColor: 'rgba(180,35,24,0.05)',
      bottomColor: 'rgba(180,35,24,0.4)',
    }).setData(points(curve.ts, curve.drawdown, 100));
    dd.timeScale().fitContent();
    return () => {
      eq.remove();
      dd.remove();
    };
  }, [curve]);
  return (
    <div className="equity-charts">
      <h3>Equity</h3>
      <div className="chart" ref={eqHost} aria-label="Equity chart" />
      <h3>Drawdown (%)</h3>
      <div className="chart" ref={ddHost} aria-label="Drawdown chart" />
    </div>
  );
}
