using System.Globalization;
using Scheme.Analysis.Statistics;

namespace Scheme.Runtime.Tests.Statistics;

/// <summary>Reads the R-generated CSVs copied next to the test assembly.</summary>
internal sealed class ReferenceData
{
    private readonly string[] _header;
    public IReadOnlyList<string[]> Rows { get; }
    public string Name { get; }

    private ReferenceData(string name, string[] header, List<string[]> rows)
    {
        Name = name;
        _header = header;
        Rows = rows;
    }

    public static ReferenceData Load(string fileName)
    {
        string path = Path.Combine(AppContext.BaseDirectory, "Statistics", "Reference", fileName);
        var lines = File.ReadAllLines(path).Where(l => l.Length > 0).ToArray();
        var header = lines[0].Split(',');
        var rows = lines.Skip(1).Select(l => l.Split(',')).ToList();
        Assert.All(rows, r => Assert.Equal(header.Length, r.Length));
        return new ReferenceData(fileName, header, rows);
    }

    private int Col(string name)
    {
        int i = Array.IndexOf(_header, name);
        if (i < 0) throw new KeyNotFoundException($"{Name} has no column {name}");
        return i;
    }

    public string Text(string[] row, string col) => row[Col(col)];
    public int Int(string[] row, string col) => int.Parse(row[Col(col)], CultureInfo.InvariantCulture);
    public double Double(string[] row, string col) => ParseDouble(row[Col(col)]);

    public static double ParseDouble(string s) =>
        s switch
        {
            "NA" => double.NaN,
            "Inf" => double.PositiveInfinity,
            "-Inf" => double.NegativeInfinity,
            _ => double.Parse(s, NumberStyles.Float, CultureInfo.InvariantCulture),
        };

    public static double[] ParseVector(string s) => s.Split(';').Select(ParseDouble).ToArray();

    public static Alternative ParseAlternative(string s) => s switch
    {
        "two.sided" => Alternative.TwoSided,
        "less" => Alternative.Less,
        "greater" => Alternative.Greater,
        _ => throw new FormatException(s),
    };
}

/// <summary>
/// Tolerances for comparisons with R.
/// Relative 1e-9 for p-values and single-rate bounds: they span 1e-300..1, so an absolute 1e-9 would accept
/// any answer for tiny p-values or for bounds like 2.5e-8 at n = 1e6. The 1e-310 floor only matters in the
/// subnormal range, where a double no longer carries 9 significant digits (and for exact zeros).
/// Absolute 1e-9 for Newcombe bounds: a difference of rates lives on [-1, 1] and may be ~0 by cancellation,
/// where relative error is meaningless.
/// </summary>
internal static class Tolerance
{
    public const double Relative = 1e-9;
    public const double Absolute = 1e-9;
    private const double SubnormalFloor = 1e-310;

    public static bool RelativeClose(double expected, double actual)
    {
        if (double.IsNaN(expected)) return double.IsNaN(actual);
        return Math.Abs(actual - expected) <= Relative * Math.Abs(expected) + SubnormalFloor;
    }

    public static bool AbsoluteClose(double expected, double actual) => Math.Abs(actual - expected) <= Absolute;

    /// <summary>Collects mismatches across all rows so one failing run lists every bad case.</summary>
    public sealed class Mismatches
    {
        private readonly List<string> _items = new();
        private int _checked;

        public void Check(bool ok, string what)
        {
            _checked++;
            if (!ok) _items.Add(what);
        }

        public void AssertNone(int minimumChecks)
        {
            Assert.True(_checked >= minimumChecks, $"only {_checked} comparisons, expected >= {minimumChecks}");
            Assert.True(_items.Count == 0,
                $"{_items.Count} of {_checked} comparisons differ from R:\n" + string.Join("\n", _items.Take(25)));
        }
    }
}
