import {
  CandlestickSeries,
  createChart,
  createSeriesMarkers,
  type SeriesMarker,
  type UTCTimestamp,
} from 'lightweight-charts';
import { useEffect, useRef } from 'react';
import { FILL_REASON_NAMES } from '../../../../src-preload/contract/backtests';

export interface ChartBars {
  ts: Float64Array;
  open: Float64Array;
  high: Float64Array;
  low: Float64Array;
  close: Float64Array;
  fills: { time: Float64Array; side: Float64Array; price: Float64Array; reason: Float64Array };
}

const sec = (ms: number): UTCTimestamp => Math.floor(ms / 1000) as UTCTimestamp;

/** Candles with a marker per fill (buys below the bar, sells above), snapped to the candle holding it. */
export function PriceChart({ bars }: { bars: ChartBars }) {
  const host = useRef<HTMLDivElement>(null);
  useEffect(() => {
    if (!host.current) return;
    const chart = createChart(host.current, {
      height: 320,
      autoSize: true,
      timeScale: { timeVisible: true },
    });
    const series = chart.addSeries(CandlestickSeries, {});
    const data = Array.from(bars.ts, (t, i) => ({
      time: sec(t),
      open: bars.open[i]!,
      high: bars.high[i]!,
      low: bars.low[i]!,
      close: bars.close[i]!,
    }));
    series.setData(data);
    const markers: SeriesMarker<UTCTimestamp>[] = [];
    let k = 0;
    // Aggregated candles: each fill goes on the last candle starting at or before it. Cap for readability.
    for (let f = 0; f < bars.fills.time.length && markers.length < 5000; f++) {
      const t = bars.fills.time[f]!;
      while (k + 1 < bars.ts.length && bars.ts[k + 1]! <= t) k++;
      const buy = bars.fills.side[f] === 1;
      markers.push({
        time: sec(bars.ts[k]!),
        position: buy ? 'belowBar' : 'aboveBar',
        shape: buy ? 'arrowUp' : 'arrowDown',
        color: buy ? '#067647' : '#b42318',
        text:
          FILL_REASON_NAMES[bars.fills.reason[f]!] === 'order'
            ? ''
            : FILL_REASON_NAMES[bars.fills.reason[f]!],
      });
    }
    createSeriesMarkers(series, markers);
    chart.timeScale().fitContent();
    return () => chart.remove();
  }, [bars]);
  return <div className="chart" ref={host} aria-label="Price chart" />;
}
