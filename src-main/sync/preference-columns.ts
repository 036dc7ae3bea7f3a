/** Maps the preference field names the app uses to the SQL column names that travel. */
export const PREFERENCE_COLUMNS = {
  theme: 'theme',
  defaultTimeframe: 'default_timeframe',
  defaultCommissionPerTrade: 'default_commission_per_trade',
  defaultCommissionPct: 'default_commission_pct',
  defaultSlippagePct: 'default_slippage_pct',
  numberFormat: 'number_format',
} as const;
