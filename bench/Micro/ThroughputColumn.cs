using BenchmarkDotNet.Columns;
using BenchmarkDotNet.Reports;
using BenchmarkDotNet.Running;

namespace Engine.Bench.Micro;

/// <summary>A benchmark class that knows how many payload bytes one operation processes (for a MB/s column).</summary>
public interface IThroughputBenchmark
{
    /// <summary>Bytes one invocation of <paramref name="method"/> processes, or null when MB/s means nothing for it.
    /// Must depend only on the [Params] properties (it is called on a fresh instance without setup).</summary>
    long? BytesPerOperation(string method);
}

/// <summary>"MB/s" (10^6 bytes per second) from the mean time per operation and <see cref="IThroughputBenchmark"/>.</summary>
public sealed class ThroughputColumn : IColumn
{
    public string Id => nameof(ThroughputColumn);
    public string ColumnName => "MB/s";
    public bool AlwaysShow => true;
    public ColumnCategory Category => ColumnCategory.Custom;
    public int PriorityInCategory => 0;
    public bool IsNumeric => true;
    public UnitType UnitType => UnitType.Dimensionless;
    public string Legend => "payload megabytes (10^6 B) processed per second, from the mean";

    public bool IsDefault(Summary summary, BenchmarkCase benchmarkCase) => false;

    public bool IsAvailable(Summary summary) => true;

    public string GetValue(Summary summary, BenchmarkCase benchmarkCase) => GetValue(summary, benchmarkCase, SummaryStyle.Default);

    public string GetValue(Summary summary, BenchmarkCase benchmarkCase, SummaryStyle style)
    {
        var bytes = BytesOf(benchmarkCase);
        var mean = summary[benchmarkCase]?.ResultStatistics?.Mean;
        if (bytes is null || mean is null or <= 0) return "-";
        return (bytes.Value / (mean.Value * 1e-9) / 1e6).ToString("N0", System.Globalization.CultureInfo.InvariantCulture);
    }

    private static long? BytesOf(BenchmarkCase benchmarkCase)
    {
        var type = benchmarkCase.Descriptor.Type;
        if (!typeof(IThroughputBenchmark).IsAssignableFrom(type)) return null;
        var instance = (IThroughputBenchmark)Activator.CreateInstance(type)!;
        foreach (var p in benchmarkCase.Parameters.Items)
            type.GetProperty(p.Name)?.SetValue(instance, p.Value);
        return instance.BytesPerOperation(benchmarkCase.Descriptor.WorkloadMethod.Name);
    }
}
