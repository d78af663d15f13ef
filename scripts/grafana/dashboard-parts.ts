import type * as cog from '@grafana/grafana-foundation-sdk/cog';
import { LegendDisplayMode, LegendPlacement, ReduceDataOptionsBuilder, VizLegendOptionsBuilder } from '@grafana/grafana-foundation-sdk/common';
import { ThresholdsConfigBuilder, ThresholdsMode, type Panel } from '@grafana/grafana-foundation-sdk/dashboard';
import { PanelBuilder as GaugePanel } from '@grafana/grafana-foundation-sdk/gauge';
import { PanelBuilder as HeatmapPanel } from '@grafana/grafana-foundation-sdk/heatmap';
import { DataqueryBuilder, PromQueryFormat } from '@grafana/grafana-foundation-sdk/prometheus';
import { PanelBuilder as StatPanel } from '@grafana/grafana-foundation-sdk/stat';
import { PanelBuilder as TimeseriesPanel } from '@grafana/grafana-foundation-sdk/timeseries';

/**
 * The Prometheus data source every panel reads: provisioned with this uid by
 * deploy/grafana/provisioning/datasources/prometheus.yml (checked by test/deploy/grafana-dashboards.test.ts).
 */
export const PROMETHEUS_DATASOURCE = { type: 'prometheus', uid: 'apfa-prometheus' } as const;

/** The scrape jobs of deploy/prometheus/prometheus.yml and the Kubernetes ServiceMonitors. */
export const JOBS = { core: 'apfa-core', worker: 'apfa-worker' } as const;

/** One PromQL query with its legend. */
export interface Query {
  expr: string;
  legend?: string;
}

function targets(queries: readonly Query[], format?: PromQueryFormat): cog.Builder<cog.Dataquery>[] {
  return queries.map((query, index) => {
    const target = new DataqueryBuilder()
      .datasource(PROMETHEUS_DATASOURCE)
      .refId(String.fromCharCode(65 + index))
      .expr(query.expr)
      .legendFormat(query.legend ?? '__auto');
    return format ? target.format(format) : target;
  });
}

const legend = () => new VizLegendOptionsBuilder().showLegend(true).displayMode(LegendDisplayMode.List).placement(LegendPlacement.Bottom);

/** Green below `warning`, orange from it, red from `critical`. */
function steps(warning: number, critical: number) {
  return new ThresholdsConfigBuilder().mode(ThresholdsMode.Absolute).steps([
    { value: null, color: 'green' },
    { value: warning, color: 'orange' },
    { value: critical, color: 'red' },
  ]);
}

interface PanelOptions {
  title: string;
  description: string;
  unit: string;
  queries: readonly Query[];
  width?: number;
  height?: number;
}

/** A time series panel. */
export function timeseries(options: PanelOptions & { min?: number; max?: number }): cog.Builder<Panel> {
  let panel = new TimeseriesPanel()
    .title(options.title)
    .description(options.description)
    .datasource(PROMETHEUS_DATASOURCE)
    .unit(options.unit)
    .span(options.width ?? 12)
    .height(options.height ?? 8)
    .legend(legend())
    .fillOpacity(10)
    .targets(targets(options.queries));
  if (options.min !== undefined) panel = panel.min(options.min);
  if (options.max !== undefined) panel = panel.max(options.max);
  return panel;
}

/** A single number (the last value), coloured by `thresholds` (warning, critical) when given. */
export function stat(options: PanelOptions & { thresholds?: [number, number] }): cog.Builder<Panel> {
  const panel = new StatPanel()
    .title(options.title)
    .description(options.description)
    .datasource(PROMETHEUS_DATASOURCE)
    .unit(options.unit)
    .span(options.width ?? 6)
    .height(options.height ?? 6)
    .reduceOptions(new ReduceDataOptionsBuilder().calcs(['lastNotNull']).values(false))
    .targets(targets(options.queries));
  return options.thresholds ? panel.thresholds(steps(...options.thresholds)) : panel;
}

/** A gauge from `min` to `max` with warning and critical steps. */
export function gauge(options: PanelOptions & { min: number; max: number; thresholds: [number, number] }): cog.Builder<Panel> {
  return new GaugePanel()
    .title(options.title)
    .description(options.description)
    .datasource(PROMETHEUS_DATASOURCE)
    .unit(options.unit)
    .min(options.min)
    .max(options.max)
    .span(options.width ?? 6)
    .height(options.height ?? 6)
    .reduceOptions(new ReduceDataOptionsBuilder().calcs(['lastNotNull']).values(false))
    .thresholds(steps(...options.thresholds))
    .targets(targets(options.queries));
}

/** A heatmap of a Prometheus histogram's buckets (queries return `sum by (le) (increase(..._bucket[...]))`). */
export function heatmap(options: PanelOptions): cog.Builder<Panel> {
  return new HeatmapPanel()
    .title(options.title)
    .description(options.description)
    .datasource(PROMETHEUS_DATASOURCE)
    .unit(options.unit)
    .span(options.width ?? 12)
    .height(options.height ?? 8)
    .calculate(false)
    .targets(targets(options.queries, PromQueryFormat.Heatmap));
}

/** p50, p95 and p99 of a histogram, one series per value of `by` (if any). */
export function quantiles(bucket: string, by: readonly string[] = [], window = '$__rate_interval', levels: readonly number[] = [0.5, 0.95, 0.99]): Query[] {
  const labels = [...by, 'le'].join(', ');
  const legendLabels = by.map((label) => `{{${label}}} `).join('');
  return levels.map((level) => ({
    expr: `histogram_quantile(${level}, sum by (${labels}) (rate(${bucket}[${window}])))`,
    legend: `${legendLabels}p${Math.round(level * 100)}`,
  }));
}
