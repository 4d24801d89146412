using System.Text;
using DiffPlex.DiffBuilder;
using DiffPlex.DiffBuilder.Model;

namespace Scheme.Compiler.Tests.Golden;

/// <summary>
/// Compares output with a baseline file kept beside the sample. On a mismatch the failure shows a line
/// diff; with SCHEME_UPDATE_BASELINES=1 the baseline is rewritten instead (review it with git diff).
/// </summary>
internal static class Baseline
{
    public static void Assert(string baselinePath, string actual)
    {
        actual = actual.Replace("\r\n", "\n");
        if (TestPaths.UpdateBaselines)
        {
            File.WriteAllText(baselinePath, actual);
            return;
        }
        if (!File.Exists(baselinePath))
        {
            throw new Xunit.Sdk.XunitException(
                $"Missing baseline {baselinePath}. Run the tests with SCHEME_UPDATE_BASELINES=1 to create it, then review it.\nActual:\n{actual}");
        }
        var expected = File.ReadAllText(baselinePath).Replace("\r\n", "\n");
        if (expected != actual)
        {
            throw new Xunit.Sdk.XunitException($"Output differs from {baselinePath} (- expected, + actual):\n{Diff(expected, actual)}\n" +
                "If the change is intended, run the tests with SCHEME_UPDATE_BASELINES=1 and review the baselines.");
        }
    }

    private static string Diff(string expected, string actual)
    {
        var diff = InlineDiffBuilder.Diff(expected, actual);
        var lines = diff.Lines;
        var builder = new StringBuilder();
        for (var i = 0; i < lines.Count; i++)
        {
            var near = Enumerable.Range(Math.Max(0, i - 2), Math.Min(lines.Count, i + 3) - Math.Max(0, i - 2))
                .Any(j => lines[j].Type != ChangeType.Unchanged);
            if (!near)
            {
                continue;
            }
            var prefix = lines[i].Type switch
            {
                ChangeType.Inserted => "+ ",
                ChangeType.Deleted => "- ",
                _ => "  ",
            };
            builder.Append(prefix).Append(lines[i].Text).Append('\n');
        }
        return builder.ToString();
    }
}
