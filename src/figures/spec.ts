/**
 * The figure value passed between stages: a plain plotly.js figure (JSON-serialisable), so it can
 * be rendered in Chromium, shown inline, or saved as JSON. Kept loose on purpose — plotly's own
 * schema is huge and the builders in this folder are the typed layer.
 */
export interface FigureSpec {
  data: Array<Record<string, unknown>>;
  layout?: Record<string, unknown>;
}
