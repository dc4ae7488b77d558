import type { Metric, Registry } from 'prom-client';

type Labels<L extends string> = Readonly<Record<L, string>>;

/**
 * A sample as prom-client's registry formats it: a histogram's carry their `metricName` (bucket,
 * sum, count), their own labels (`le`) and their series' as `sharedLabels`, as prom-client's do.
 */
interface Sample {
  value: number;
  labels: Record<string, string | number>;
  metricName?: string;
  sharedLabels?: Record<string, string>;
  /** prom-client's buckets say `null` where exemplars are off; kept, so JSON reads the same. */
  exemplar?: null;
}

/**
 * A counter or histogram that a request or an event records into: each labelled series is plain
 * numbers, found once per label set, and prom-client's registry reads them only when scraped.
 *
 * Why not prom-client's own: its `inc` and `observe` validate and hash the labels on every call,
 * even through a child from `labels()`. On a cached `GET /multivac` recording the request took ~5
 * of ~135 µs of CPU (measured by removing it); what is left is a few additions. Exposed in the
 * same format, under the same names (the test compares with prom-client's own output).
 */
abstract class RecordedMetric<L extends string, S> {
  readonly aggregator = 'sum';
  readonly #series = new Map<string, { labels: Labels<L>; series: S }>();

  constructor(
    readonly name: string,
    readonly help: string,
    readonly type: 'counter' | 'histogram',
    registry: Registry,
  ) {
    // The registry takes any object with a name and get(); its typings list only its own classes.
    registry.registerMetric(this as unknown as Metric);
  }

  /** The series of `labels`: keep it, and record into it without looking it up again. */
  series(labels: Labels<L>): S {
    const key = JSON.stringify(labels);
    let found = this.#series.get(key);
    if (!found) {
      found = { labels: { ...labels }, series: this.create() };
      this.#series.set(key, found);
    }
    return found.series;
  }

  protected abstract create(): S;
  protected abstract zero(series: S): void;
  protected abstract samples(labels: Labels<L>, series: S): Sample[];

  /** What prom-client's registry reads at a scrape. */
  async getForPromString() {
    const values: Sample[] = [];
    for (const { labels, series } of this.#series.values())
      values.push(...this.samples(labels, series));
    return {
      name: this.name,
      help: this.help,
      type: this.type,
      aggregator: this.aggregator,
      values,
    };
  }

  /** What `registry.getMetricsAsJSON()` reads: each sample's labels in one object. */
  async get() {
    const metric = await this.getForPromString();
    const values = metric.values.map(({ sharedLabels, ...sample }) =>
      sharedLabels ? { ...sample, labels: { ...sample.labels, ...sharedLabels } } : sample,
    );
    return { ...metric, values };
  }

  /** `registry.resetMetrics()`: every series starts again from zero (in place: callers keep them). */
  reset(): void {
    for (const { series } of this.#series.values()) this.zero(series);
  }
}

export interface CounterSeries {
  inc(by?: number): void;
}

export class RecordedCounter<L extends string> extends RecordedMetric<
  L,
  CounterSeries & { value: number }
> {
  constructor(name: string, help: string, registry: Registry) {
    super(name, help, 'counter', registry);
  }

  protected create() {
    return {
      value: 0,
      inc(by = 1) {
        this.value += by;
      },
    };
  }

  protected zero(series: { value: number }): void {
    series.value = 0;
  }

  protected samples(labels: Labels<L>, series: { value: number }): Sample[] {
    return [{ value: series.value, labels }];
  }
}

export interface HistogramSeries {
  observe(value: number): void;
}

interface HistogramState extends HistogramSeries {
  count: number;
  sum: number;
  /** Observations per bucket (not cumulative); the last is above every bound. */
  readonly counts: Float64Array;
}

export class RecordedHistogram<L extends string> extends RecordedMetric<L, HistogramState> {
  constructor(
    name: string,
    help: string,
    readonly buckets: readonly number[],
    registry: Registry,
  ) {
    super(name, help, 'histogram', registry);
  }

  protected create(): HistogramState {
    const bounds = this.buckets;
    return {
      count: 0,
      sum: 0,
      counts: new Float64Array(bounds.length + 1),
      observe(value) {
        // prom-client throws on these; a request's bookkeeping must not, nor poison the sum.
        if (!Number.isFinite(value)) return;
        let i = 0;
        while (i < bounds.length && value > bounds[i]!) i++;
        this.counts[i] = this.counts[i]! + 1;
        this.count += 1;
        this.sum += value;
      },
    };
  }

  protected zero(series: HistogramState): void {
    series.count = 0;
    series.sum = 0;
    series.counts.fill(0);
  }

  protected samples(labels: Labels<L>, series: HistogramState): Sample[] {
    const sample = (value: number, kind: string, le?: number | string): Sample => ({
      value,
      labels: le === undefined ? {} : { le },
      metricName: `${this.name}_${kind}`,
      sharedLabels: labels,
      ...(kind === 'bucket' ? { exemplar: null } : {}),
    });
    const out: Sample[] = [];
    let cumulative = 0;
    this.buckets.forEach((le, i) => {
      cumulative += series.counts[i]!;
      out.push(sample(cumulative, 'bucket', le));
    });
    out.push(
      sample(series.count, 'bucket', '+Inf'),
      sample(series.sum, 'sum'),
      sample(series.count, 'count'),
    );
    return out;
  }
}
