using System.Text;

namespace Scheme.Analysis.Prereg;

/// <summary>
/// A unified line diff of two canonical texts, for showing what changed in a preregistered part. The lines both texts
/// begin and end with are trimmed first, so a one-line edit in a large data file costs a scan, not a table; the rest is
/// an LCS table when it is small enough, else shown whole as removed and added. Output is capped: a part can be a
/// workspace file of megabytes, and a deviation report must stay readable.
/// </summary>
public static class LineDiff
{
    /// <summary>Above this many cells (old lines x new lines between the common ends) the middle is not aligned.</summary>
    private const long MaxTableCells = 4_000_000;

    /// <summary>One line of a diff: ' ' context, '-' locked only, '+' current only.</summary>
    public readonly record struct Line(char Kind, string Text);

    /// <summary>The changed lines with <paramref name="context"/> lines around each run of changes, hunks as in `diff -u`.</summary>
    /// <param name="maxLines">At most this many lines are written; a last line says how many more changed lines there are.</param>
    public static string Unified(string locked, string current, int context = 3, int maxLines = 60)
    {
        var lines = Diff(Split(locked), Split(current));
        var builder = new StringBuilder();
        var written = 0;
        var omitted = 0;
        foreach (var (start, end, oldStart, newStart) in Hunks(lines, context))
        {
            var header = $"@@ -{oldStart + 1},{lines.Skip(start).Take(end - start).Count(l => l.Kind != '+')} +{newStart + 1},{lines.Skip(start).Take(end - start).Count(l => l.Kind != '-')} @@";
            for (var i = start - 1; i < end; i++)
            {
                var text = i < start ? header : $"{lines[i].Kind}{Shorten(lines[i].Text)}";
                if (written < maxLines)
                {
                    builder.Append(text).Append('\n');
                    written++;
                }
                else if (i >= start && lines[i].Kind != ' ')
                {
                    omitted++;
                }
            }
        }
        if (omitted > 0)
        {
            builder.Append($"... and {omitted} more changed line(s)\n");
        }
        return builder.ToString().TrimEnd('\n');
    }

    /// <summary>The first <paramref name="count"/> changed lines, '-' or '+' first, for a one-glance summary.</summary>
    public static IReadOnlyList<string> FirstChanges(string locked, string current, int count = 2) =>
        Diff(Split(locked), Split(current)).Where(l => l.Kind != ' ').Take(count).Select(l => $"{l.Kind}{Shorten(l.Text)}").ToList();

    /// <summary>Every line of both texts in order: the common ones once, the others as removed or added.</summary>
    public static IReadOnlyList<Line> Diff(IReadOnlyList<string> a, IReadOnlyList<string> b)
    {
        var prefix = 0;
        while (prefix < a.Count && prefix < b.Count && a[prefix] == b[prefix])
        {
            prefix++;
        }
        var suffix = 0;
        while (suffix < a.Count - prefix && suffix < b.Count - prefix && a[a.Count - 1 - suffix] == b[b.Count - 1 - suffix])
        {
            suffix++;
        }
        var result = new List<Line>(a.Count + b.Count);
        result.AddRange(a.Take(prefix).Select(l => new Line(' ', l)));
        var n = a.Count - prefix - suffix;
        var m = b.Count - prefix - suffix;
        if ((long)n * m > MaxTableCells)
        {
            result.AddRange(a.Skip(prefix).Take(n).Select(l => new Line('-', l)));
            result.AddRange(b.Skip(prefix).Take(m).Select(l => new Line('+', l)));
        }
        else
        {
            // lcs[i, j]: the longest common subsequence of a's middle from i and b's middle from j.
            var lcs = new int[n + 1, m + 1];
            for (var i = n - 1; i >= 0; i--)
            {
                for (var j = m - 1; j >= 0; j--)
                {
                    lcs[i, j] = a[prefix + i] == b[prefix + j] ? lcs[i + 1, j + 1] + 1 : Math.Max(lcs[i + 1, j], lcs[i, j + 1]);
                }
            }
            int x = 0, y = 0;
            while (x < n || y < m)
            {
                if (x < n && y < m && a[prefix + x] == b[prefix + y])
                {
                    result.Add(new Line(' ', a[prefix + x]));
                    x++;
                    y++;
                }
                // Removed lines before added ones, as `diff -u` writes a replaced run.
                else if (x < n && (y == m || lcs[x + 1, y] >= lcs[x, y + 1]))
                {
                    result.Add(new Line('-', a[prefix + x++]));
                }
                else
                {
                    result.Add(new Line('+', b[prefix + y++]));
                }
            }
        }
        result.AddRange(a.Skip(a.Count - suffix).Select(l => new Line(' ', l)));
        return result;
    }

    /// <summary>Runs of changes with their context, merged where they touch: (first line, end, old line number, new line number).</summary>
    private static IEnumerable<(int Start, int End, int OldStart, int NewStart)> Hunks(IReadOnlyList<Line> lines, int context)
    {
        int oldLine = 0, newLine = 0;
        var oldAt = new int[lines.Count + 1];
        var newAt = new int[lines.Count + 1];
        for (var i = 0; i < lines.Count; i++)
        {
            oldAt[i] = oldLine;
            newAt[i] = newLine;
            if (lines[i].Kind != '+') oldLine++;
            if (lines[i].Kind != '-') newLine++;
        }
        var k = 0;
        while (k < lines.Count)
        {
            if (lines[k].Kind == ' ')
            {
                k++;
                continue;
            }
            var start = Math.Max(0, k - context);
            var end = k;
            // Extend while the next change is within twice the context of the last one.
            while (end < lines.Count)
            {
                if (lines[end].Kind != ' ')
                {
                    end++;
                    continue;
                }
                var next = end;
                while (next < lines.Count && lines[next].Kind == ' ' && next - end < 2 * context)
                {
                    next++;
                }
                if (next < lines.Count && lines[next].Kind != ' ')
                {
                    end = next;
                }
                else
                {
                    break;
                }
            }
            end = Math.Min(lines.Count, end + context);
            yield return (start, end, oldAt[start], newAt[start]);
            k = end;
        }
    }

    private static List<string> Split(string text) => text.Replace("\r\n", "\n").Split('\n').ToList();

    /// <summary>A very long line (a minified JSON file) is cut, so one line cannot flood the report.</summary>
    private static string Shorten(string line) => line.Length <= 200 ? line : line[..200] + $"... ({line.Length - 200} more characters)";
}
