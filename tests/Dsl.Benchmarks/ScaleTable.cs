using System.Globalization;

namespace Scheme.Benchmarks;

/// <summary>The samples of the <c>scale</c> benchmark, by measurement and side ("base", "current").</summary>
internal sealed class ScaleResults
{
    public const string Offline = "offline run";
    public const string Analyze = "analyze";
    public const string LiveStep = "live";

    private readonly Dictionary<(string Step, string Side), List<Sample>> _samples = [];

    public int Failures { get; private set; }

    public static string Export(string format) => "export " + format;

    public void Add(string step, string side, Sample sample)
    {
        if (!sample.Succeeded)
        {
            Failures++;
        }
        if (!_samples.TryGetValue((step, side), out var list))
        {
            _samples[(step, side)] = list = [];
        }
        list.Add(sample);
    }

    /// <summary>The median over rounds of a figure of one step, or NaN when a sample of it failed.</summary>
    public double Median(string step, string side, Func<Sample, double> figure)
    {
        var samples = _samples.GetValueOrDefault((step, side)) ?? [];
        return samples.Count == 0 || samples.Any(s => !s.Succeeded) ? double.NaN : MedianOf(samples.Select(figure));
    }

    /// <summary>Live throughput (units over the engine's window) and CPU per unit (in that window), medians of the samples.</summary>
    public (double UnitsPerSecond, double CpuMsPerUnit) Live(string side, int units) =>
        (Median(LiveStep, side, s => units / s.EngineSeconds), Median(LiveStep, side, s => s.EngineCpuSeconds * 1000 / units));

    private static double MedianOf(IEnumerable<double> values)
    {
        var sorted = values.Order().ToList();
        return sorted.Count % 2 == 1 ? sorted[sorted.Count / 2] : (sorted[sorted.Count / 2 - 1] + sorted[sorted.Count / 2]) / 2;
    }
}

/// <summary>Prints the one table of the <c>scale</c> benchmark: measurement, base, current, current/base, the issue's goal.</summary>
internal static class ScaleTable
{
    /// <summary>Below this many units the issue's absolute goals (stated for 1,000,000) are shown but not judged.</summary>
    private const int GoalUnits = 1_000_000;

    private sealed record Row(string Measurement, double Base, double Current, string Format, string Goal = "", Func<double, double, bool>? Met = null);

    public static void Print(ScaleResults results, ScaleOptions options)
    {
        var judged = options.Units >= GoalUnits;
        var rows = new List<Row>();
        void Figures(string step, string label, string? wallGoal = null, Func<double, bool>? wallMet = null, string? peakGoal = null, Func<double, bool>? peakMet = null)
        {
            rows.Add(new Row($"{label}: wall s", results.Median(step, "base", s => s.WallSeconds), results.Median(step, "current", s => s.WallSeconds), "0.00",
                wallGoal ?? "", wallMet is null ? null : (_, c) => wallMet(c)));
            rows.Add(new Row($"{label}: CPU s", results.Median(step, "base", s => s.CpuSeconds), results.Median(step, "current", s => s.CpuSeconds), "0.00"));
            rows.Add(new Row($"{label}: peak MB", results.Median(step, "base", s => s.PeakMegabytes), results.Median(step, "current", s => s.PeakMegabytes), "0",
                peakGoal ?? "", peakMet is null ? null : (_, c) => peakMet(c)));
        }
        var units = options.Units.ToString("N0", CultureInfo.InvariantCulture);
        Figures(ScaleResults.Offline, $"run --offline, {units} units", "< 5 s", c => c < 5);
        rows.Insert(1, new Row($"run --offline, {units} units: engine s", results.Median(ScaleResults.Offline, "base", s => s.EngineSeconds),
            results.Median(ScaleResults.Offline, "current", s => s.EngineSeconds), "0.00"));
        foreach (var format in new[] { "jsonl", "csv", "parquet" })
        {
            Figures(ScaleResults.Export(format), $"export --format {format}", peakGoal: "< 200 MB", peakMet: c => c < 200);
        }
        Figures(ScaleResults.Analyze, "analyze DIR", "< 2 s", c => c < 2);
        var (baseRate, baseCpu) = results.Live("base", options.LiveUnits);
        var (currentRate, currentCpu) = results.Live("current", options.LiveUnits);
        // "Unchanged" on a loaded machine: within 5% (throughput not lower, CPU per unit not higher).
        rows.Add(new Row("live, 64 in flight, 200 ms: units/s", baseRate, currentRate, "0.0", "unchanged (>= 0.95x)", (b, c) => c >= 0.95 * b));
        rows.Add(new Row("live: CPU ms per unit", baseCpu, currentCpu, "0.000", "unchanged (<= 1.05x)", (b, c) => c <= 1.05 * b));
        rows.Add(new Row("live: peak MB", results.Median(ScaleResults.LiveStep, "base", s => s.PeakMegabytes), results.Median(ScaleResults.LiveStep, "current", s => s.PeakMegabytes), "0"));

        var width = rows.Max(r => r.Measurement.Length);
        Console.WriteLine($"{"measurement".PadRight(width)}  {"base",10}  {"current",10}  {"ratio",7}  goal");
        foreach (var row in rows)
        {
            var goal = row.Goal;
            if (row.Met is not null)
            {
                var live = row.Measurement.StartsWith("live", StringComparison.Ordinal);
                goal += double.IsNaN(row.Current) || double.IsNaN(row.Base) ? "  (failed)"
                    : !judged && !live ? $"  (judged at {GoalUnits:N0} units)"
                    : row.Met(row.Base, row.Current) ? "  met" : "  MISSED";
            }
            Console.WriteLine($"{row.Measurement.PadRight(width)}  {Cell(row.Base, row.Format),10}  {Cell(row.Current, row.Format),10}  {Cell(row.Current / row.Base, "0.00"),7}  {goal}");
        }
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"ratio = current / base. Wall is the runner process from start to exit; CPU and peak (VmHWM) are the runner's own. Engine s: from the runner's 'Running' line to its summary line. Live: {options.LiveUnits:N0} units over that window (ideal 320 units/s) and the CPU in it, median of three runs per round. Medians of {options.Rounds} round(s)."));
    }

    private static string Cell(double value, string format) =>
        double.IsNaN(value) || double.IsInfinity(value) ? "failed" : value.ToString(format, CultureInfo.InvariantCulture);
}
