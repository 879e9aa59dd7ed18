// Tests read /metrics through a real Prometheus text parser (parse-prometheus-text-format):
// families by name, and one sample's value by its labels.
import parsePrometheusTextFormat, { type ParsedFamily } from "parse-prometheus-text-format";

export type Families = Map<string, ParsedFamily>;

export function parseMetrics(text: string): Families {
  return new Map(parsePrometheusTextFormat(text).map((f) => [f.name, f]));
}

/** The value of the sample of `name` whose labels include `labels` (counters, gauges), or undefined. */
export function sampleValue(fs: Families, name: string, labels: Record<string, string> = {}): number | undefined {
  const f = fs.get(name);
  const s = f?.metrics.find((m) => Object.entries(labels).every(([k, v]) => m.labels?.[k] === v));
  if (!s) return undefined;
  return Number(s.value ?? s.count);
}
