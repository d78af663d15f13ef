import { parser } from '@prometheus-io/lezer-promql';

/** One series selector of a PromQL expression: the metric it names and the scrape job it pins, if any. */
export interface Selector {
  metric: string;
  job?: string;
}

// Grafana's built-in interval variables, replaced by a duration so the expression parses as PromQL.
const GRAFANA_INTERVALS = /\$__(rate_interval|interval|range)\b/g;

/**
 * The metric selectors of a PromQL expression, read with Prometheus's own grammar
 * (@prometheus-io/lezer-promql, the parser of the Prometheus UI). Throws when the expression does
 * not parse, or when a selector does not name its metric plainly (a regex on `__name__`), since
 * then no scrape could be said to have it.
 */
export function promqlSelectors(expression: string): Selector[] {
  const text = expression.replace(GRAFANA_INTERVALS, '5m');
  const tree = parser.parse(text);
  const selectors: Selector[] = [];
  const cursor = tree.cursor();
  do {
    if (cursor.type.isError) throw new Error(`PromQL does not parse at ${cursor.from}: ${text}`);
    if (cursor.name !== 'VectorSelector') continue;
    const node = cursor.node;
    let metric = node.getChild('Identifier') ? text.slice(node.getChild('Identifier')!.from, node.getChild('Identifier')!.to) : undefined;
    let job: string | undefined;
    for (const matcher of node.getChild('LabelMatchers')?.getChildren('UnquotedLabelMatcher') ?? []) {
      const name = matcher.getChild('LabelName');
      const operator = matcher.getChild('MatchOp');
      const value = matcher.getChild('StringLiteral');
      if (!name || !operator || !value) continue;
      const label = text.slice(name.from, name.to);
      const exact = text.slice(operator.from, operator.to) === '=';
      const literal = JSON.parse(text.slice(value.from, value.to).replace(/^'|'$/g, '"')) as string;
      if (label === '__name__') {
        if (!exact) throw new Error(`a selector names its metric by a pattern (${text.slice(node.from, node.to)}): name it plainly`);
        metric = literal;
      }
      if (label === 'job' && exact) job = literal;
    }
    if (!metric) throw new Error(`a selector without a metric name: ${text.slice(node.from, node.to)}`);
    selectors.push(job === undefined ? { metric } : { metric, job });
  } while (cursor.next());
  return selectors;
}

/**
 * The series names a Prometheus text exposition offers, from its `# TYPE` lines (a histogram is
 * `_bucket`, `_sum` and `_count`; a summary the name, `_sum` and `_count`) and its sample lines.
 * A labelled family with no samples yet still counts: its TYPE line says it is exported.
 */
export function exportedSeriesNames(exposition: string): Set<string> {
  const names = new Set<string>();
  for (const line of exposition.split('\n')) {
    const type = /^# TYPE (\S+) (\S+)$/.exec(line);
    if (type) {
      const [, name, kind] = type as unknown as [string, string, string];
      if (kind === 'histogram') for (const suffix of ['_bucket', '_sum', '_count']) names.add(name + suffix);
      else if (kind === 'summary') for (const suffix of ['', '_sum', '_count']) names.add(name + suffix);
      else names.add(name);
      continue;
    }
    const sample = /^([a-zA-Z_:][a-zA-Z0-9_:]*)[{ ]/.exec(line);
    if (sample) names.add(sample[1]!);
  }
  return names;
}
