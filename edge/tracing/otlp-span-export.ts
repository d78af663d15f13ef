/** One finished edge span. */
export interface EdgeSpan {
  traceId: string;
  spanId: string;
  name: string;
  startMs: number;
  endMs: number;
  failed: boolean;
  attributes: Record<string, string | number | undefined>;
}

const SPAN_KIND_SERVER = 2;
const STATUS_UNSET = 0;
const STATUS_ERROR = 2;

const nanos = (ms: number): string => `${BigInt(Math.round(ms)) * 1_000_000n}`;

function attribute(key: string, value: string | number) {
  return { key, value: typeof value === 'number' ? { intValue: String(Math.trunc(value)) } : { stringValue: value } };
}

/**
 * The span as an OTLP/JSON ExportTraceServiceRequest (ids as hex, times as decimal nanosecond
 * strings: the OTLP JSON mapping), posted with fetch. Web standard only, so it runs in a Worker
 * without the Node OpenTelemetry SDK.
 */
export async function exportEdgeSpan(
  target: { tracesUrl: string; headers: Record<string, string>; serviceName: string; fetch: typeof fetch },
  span: EdgeSpan,
): Promise<void> {
  const body = {
    resourceSpans: [
      {
        resource: { attributes: [attribute('service.name', target.serviceName)] },
        scopeSpans: [
          {
            scope: { name: 'apfa-edge' },
            spans: [
              {
                traceId: span.traceId,
                spanId: span.spanId,
                name: span.name,
                kind: SPAN_KIND_SERVER,
                startTimeUnixNano: nanos(span.startMs),
                endTimeUnixNano: nanos(span.endMs),
                attributes: Object.entries(span.attributes)
                  .filter((entry): entry is [string, string | number] => entry[1] !== undefined)
                  .map(([key, value]) => attribute(key, value)),
                status: { code: span.failed ? STATUS_ERROR : STATUS_UNSET },
              },
            ],
          },
        ],
      },
    ],
  };
  const response = await target.fetch(target.tracesUrl, { method: 'POST', headers: { ...target.headers, 'content-type': 'application/json' }, body: JSON.stringify(body) });
  await response.body?.cancel();
}
