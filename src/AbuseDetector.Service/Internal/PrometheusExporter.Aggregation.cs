using System.Diagnostics.Metrics;
using System.Numerics;

namespace AbuseDetector.Service.Internal;

internal sealed partial class PrometheusExporter
{
    /// <summary>The Prometheus type an instrument is exported as.</summary>
    internal enum MetricKind
    {
        Counter,
        Gauge,
        Histogram,
    }

    /// <summary>
    /// One instrument's series, one per label set. The series array is copied on write, so recording reads it without a
    /// lock; a new label set takes the lock once. Tags are meant to be few and low-cardinality.
    /// </summary>
    internal sealed class InstrumentAggregator
    {
        /// <summary>OpenTelemetry's default explicit buckets, for a histogram that advises none.</summary>
        internal static readonly double[] DefaultBounds = [0, 5, 10, 25, 50, 75, 100, 250, 500, 750, 1000, 2500, 5000, 7500, 10000];

        private static readonly KeyValuePair<string, object?>[] OverflowTags = [new("otel_metric_overflow", "true")];

        private readonly Lock _gate = new();
        private readonly Func<KeyValuePair<string, object?>[], int, Series> _newSeries;
        private Series[] _series = [];
        private Series? _untagged;
        private Series? _overflow;

        private InstrumentAggregator(Instrument instrument, MetricKind kind, bool lastValue, bool floating, double[]? bounds)
        {
            Instrument = instrument;
            Kind = kind;
            Bounds = bounds;
            _newSeries = bounds is not null ? (tags, hash) => new HistogramSeries(tags, hash, bounds)
                : lastValue ? (tags, hash) => new LastValueSeries(tags, hash, this)
                : floating ? (tags, hash) => new DoubleSumSeries(tags, hash)
                : (tags, hash) => new LongSumSeries(tags, hash);
            IsObservable = instrument.IsObservable;
        }

        public Instrument Instrument { get; }

        public MetricKind Kind { get; }

        /// <summary>The histogram's upper bounds, ascending, without +Inf; null for other kinds.</summary>
        public double[]? Bounds { get; }

        /// <summary>True for observable instruments, whose series only count when reported in the current collection.</summary>
        public bool IsObservable { get; }

        /// <summary>The scrape in progress, stamped on the series an observable callback reports.</summary>
        public long Collection { get; set; }

        public IReadOnlyList<Series> Series => Volatile.Read(ref _series);

        /// <summary>An aggregator for a counter, up-down counter, gauge or histogram of a numeric type, or null for anything else.</summary>
        public static InstrumentAggregator? Create(Instrument instrument)
        {
            var type = instrument.GetType();
            if (!type.IsGenericType)
            {
                return null;
            }

            var valueType = type.GetGenericArguments()[0];
            var floating = valueType == typeof(float) || valueType == typeof(double) || valueType == typeof(decimal);
            var definition = type.GetGenericTypeDefinition();
            return definition switch
            {
                _ when definition == typeof(Counter<>) => new InstrumentAggregator(instrument, MetricKind.Counter, lastValue: false, floating, bounds: null),
                _ when definition == typeof(UpDownCounter<>) => new InstrumentAggregator(instrument, MetricKind.Gauge, lastValue: false, floating, bounds: null),
                // Observable counters report their running total, so the last value is the value.
                _ when definition == typeof(ObservableCounter<>) => new InstrumentAggregator(instrument, MetricKind.Counter, lastValue: true, floating, bounds: null),
                _ when definition == typeof(ObservableUpDownCounter<>) || definition == typeof(ObservableGauge<>) || definition == typeof(Gauge<>)
                    => new InstrumentAggregator(instrument, MetricKind.Gauge, lastValue: true, floating, bounds: null),
                _ when definition == typeof(Histogram<>) => new InstrumentAggregator(instrument, MetricKind.Histogram, lastValue: false, floating, AdvisedBounds(instrument) ?? DefaultBounds),
                _ => null,
            };
        }

        public void Record(long value, ReadOnlySpan<KeyValuePair<string, object?>> tags) => Find(tags).Record(value);

        public void Record(double value, ReadOnlySpan<KeyValuePair<string, object?>> tags) => Find(tags).Record(value);

        private Series Find(ReadOnlySpan<KeyValuePair<string, object?>> tags)
        {
            if (tags.IsEmpty)
            {
                return Volatile.Read(ref _untagged) ?? Add(tags, 0);
            }

            var hash = HashOf(tags);
            foreach (var series in Volatile.Read(ref _series))
            {
                if (series.Hash == hash && series.Matches(tags))
                {
                    return series;
                }
            }

            return Add(tags, hash);
        }

        private Series Add(ReadOnlySpan<KeyValuePair<string, object?>> tags, int hash)
        {
            lock (_gate)
            {
                foreach (var existing in _series)
                {
                    if (existing.Hash == hash && existing.Matches(tags))
                    {
                        return existing;
                    }
                }

                if (_series.Length >= MaxSeriesPerInstrument)
                {
                    return _overflow ??= Publish(_newSeries(OverflowTags, HashOf(OverflowTags)));
                }

                // Sorted by key, so the same tags given in another order land in the same series and print the same way.
                var copy = tags.ToArray();
                Array.Sort(copy, static (a, b) => string.CompareOrdinal(a.Key, b.Key));
                var series = Publish(_newSeries(copy, hash));
                if (copy.Length == 0)
                {
                    Volatile.Write(ref _untagged, series);
                }

                return series;
            }
        }

        private Series Publish(Series series)
        {
            Volatile.Write(ref _series, [.. _series, series]);
            return series;
        }

        /// <summary>Independent of the tags' order.</summary>
        private static int HashOf(ReadOnlySpan<KeyValuePair<string, object?>> tags)
        {
            var hash = 0;
            foreach (var tag in tags)
            {
                hash += HashCode.Combine(StringComparer.Ordinal.GetHashCode(tag.Key), tag.Value);
            }

            return hash;
        }

        private static double[]? AdvisedBounds(Instrument instrument) => instrument switch
        {
            Instrument<byte> i => ToDoubles(i.Advice?.HistogramBucketBoundaries),
            Instrument<short> i => ToDoubles(i.Advice?.HistogramBucketBoundaries),
            Instrument<int> i => ToDoubles(i.Advice?.HistogramBucketBoundaries),
            Instrument<long> i => ToDoubles(i.Advice?.HistogramBucketBoundaries),
            Instrument<float> i => ToDoubles(i.Advice?.HistogramBucketBoundaries),
            Instrument<double> i => ToDoubles(i.Advice?.HistogramBucketBoundaries),
            Instrument<decimal> i => ToDoubles(i.Advice?.HistogramBucketBoundaries),
            _ => null,
        };

        private static double[]? ToDoubles<T>(IReadOnlyList<T>? bounds)
            where T : struct, INumberBase<T>
        {
            if (bounds is null || bounds.Count == 0)
            {
                return null;
            }

            var doubles = bounds.Select(double.CreateChecked).Where(b => !double.IsNaN(b) && !double.IsPositiveInfinity(b)).Distinct().Order().ToArray();
            return doubles.Length == 0 ? null : doubles;
        }
    }

    /// <summary>One label set of one instrument.</summary>
    internal abstract class Series(KeyValuePair<string, object?>[] tags, int hash)
    {
        /// <summary>The label set, sorted by key.</summary>
        public KeyValuePair<string, object?>[] Tags { get; } = tags;

        public int Hash { get; } = hash;

        public abstract void Record(long value);

        public abstract void Record(double value);

        public bool Matches(ReadOnlySpan<KeyValuePair<string, object?>> tags)
        {
            if (tags.Length != Tags.Length)
            {
                return false;
            }

            // A handful of tags at most: a nested loop beats a lookup and allocates nothing.
            foreach (var tag in tags)
            {
                if (!Contains(tag))
                {
                    return false;
                }
            }

            return true;
        }

        private bool Contains(KeyValuePair<string, object?> tag)
        {
            foreach (var own in Tags)
            {
                if (string.Equals(own.Key, tag.Key, StringComparison.Ordinal))
                {
                    return Equals(own.Value, tag.Value);
                }
            }

            return false;
        }
    }

    /// <summary>
    /// Cells striped by processor, one cache line apart, so threads on different cores never contend for a line.
    /// Cell <c>i</c> starts at <c>(i + 1) * stride</c>: the first line is left to the array's header.
    /// </summary>
    internal static class Stripes
    {
        /// <summary>Eight 8-byte values fill a 64-byte cache line.</summary>
        public const int LineStride = 8;

        public static readonly int Count = (int)BitOperations.RoundUpToPowerOf2((uint)Math.Clamp(Environment.ProcessorCount, 1, 64));

        public static int Current => Thread.GetCurrentProcessorId() & (Count - 1);

        public static void Add(ref double location, double value)
        {
            var current = Volatile.Read(ref location);
            while (true)
            {
                var seen = Interlocked.CompareExchange(ref location, current + value, current);
                if (BitConverter.DoubleToInt64Bits(seen) == BitConverter.DoubleToInt64Bits(current))
                {
                    return;
                }

                current = seen;
            }
        }
    }

    internal sealed class LongSumSeries(KeyValuePair<string, object?>[] tags, int hash) : Series(tags, hash)
    {
        private readonly long[] _cells = new long[(Stripes.Count + 1) * Stripes.LineStride];

        public long Value
        {
            get
            {
                long sum = 0;
                for (var i = 1; i <= Stripes.Count; i++)
                {
                    sum += Volatile.Read(ref _cells[i * Stripes.LineStride]);
                }

                return sum;
            }
        }

        public override void Record(long value) => Interlocked.Add(ref _cells[(Stripes.Current + 1) * Stripes.LineStride], value);

        public override void Record(double value) => Record((long)value);
    }

    internal sealed class DoubleSumSeries(KeyValuePair<string, object?>[] tags, int hash) : Series(tags, hash)
    {
        private readonly double[] _cells = new double[(Stripes.Count + 1) * Stripes.LineStride];

        public double Value
        {
            get
            {
                double sum = 0;
                for (var i = 1; i <= Stripes.Count; i++)
                {
                    sum += Volatile.Read(ref _cells[i * Stripes.LineStride]);
                }

                return sum;
            }
        }

        public override void Record(long value) => Record((double)value);

        public override void Record(double value) => Stripes.Add(ref _cells[(Stripes.Current + 1) * Stripes.LineStride], value);
    }

    /// <summary>The last value reported: gauges, and observable counters, which report their own totals.</summary>
    internal sealed class LastValueSeries(KeyValuePair<string, object?>[] tags, int hash, InstrumentAggregator owner) : Series(tags, hash)
    {
        private double _value;
        private long _collection;

        public double Value => Volatile.Read(ref _value);

        /// <summary>Whether the series belongs in the scrape: always for a synchronous gauge, only when reported in this collection for an observable instrument.</summary>
        public bool IsCurrent => !owner.IsObservable || Volatile.Read(ref _collection) == owner.Collection;

        public override void Record(long value) => Record((double)value);

        public override void Record(double value)
        {
            Volatile.Write(ref _value, value);
            Volatile.Write(ref _collection, owner.Collection);
        }
    }

    /// <summary>Explicit-bucket histogram: a value falls in the first bucket whose upper bound is at or above it (Prometheus's <c>le</c>).</summary>
    internal sealed class HistogramSeries : Series
    {
        private readonly double[] _bounds;
        private readonly int _stride;
        private readonly long[] _counts;
        private readonly double[] _sums = new double[(Stripes.Count + 1) * Stripes.LineStride];

        public HistogramSeries(KeyValuePair<string, object?>[] tags, int hash, double[] bounds)
            : base(tags, hash)
        {
            _bounds = bounds;
            _stride = (bounds.Length + 1 + Stripes.LineStride - 1) / Stripes.LineStride * Stripes.LineStride;
            _counts = new long[(Stripes.Count + 1) * _stride];
        }

        /// <summary>Sums the stripes: per-bucket counts (not cumulative; the last is the +Inf bucket) and the sum of values.</summary>
        public (long[] Buckets, double Sum) Snapshot()
        {
            var buckets = new long[_bounds.Length + 1];
            double sum = 0;
            for (var stripe = 1; stripe <= Stripes.Count; stripe++)
            {
                for (var bucket = 0; bucket < buckets.Length; bucket++)
                {
                    buckets[bucket] += Volatile.Read(ref _counts[(stripe * _stride) + bucket]);
                }

                sum += Volatile.Read(ref _sums[stripe * Stripes.LineStride]);
            }

            return (buckets, sum);
        }

        public override void Record(long value) => Record((double)value);

        public override void Record(double value)
        {
            if (double.IsNaN(value))
            {
                return;
            }

            var bucket = Array.BinarySearch(_bounds, value);
            if (bucket < 0)
            {
                bucket = ~bucket;
            }

            var stripe = Stripes.Current + 1;
            Interlocked.Increment(ref _counts[(stripe * _stride) + bucket]);
            Stripes.Add(ref _sums[stripe * Stripes.LineStride], value);
        }
    }
}
