using System.Globalization;
using System.Text;

namespace Scheme.Model;

/// <summary>
/// The change of an episode's files as text, for detectors (<c>diff()</c>) and judges: a unified diff with one hunk per
/// file, from its first to its last changed line with up to <see cref="Context"/> lines around, so it takes one pass
/// over each file however large (no edit-distance search, which is quadratic). Added files are diffed against
/// /dev/null, deleted ones to it; a file holding a NUL character is reported as binary.
/// </summary>
public static class WorkspaceDiff
{
    public const int Context = 3;

    /// <summary>
    /// The changed paths a selection names, in ordinal order: a file, or every file under a folder; "" or "." selects the
    /// workspace root (relative paths), an absolute folder a mount.
    /// </summary>
    public static IEnumerable<string> Paths(IReadOnlyDictionary<string, string> initial, IReadOnlyDictionary<string, string> final, string selection)
    {
        var folder = selection.Trim().Replace('\\', '/').TrimEnd('/');
        folder = folder is "." ? "" : folder.StartsWith("./", StringComparison.Ordinal) ? folder[2..] : folder;
        return initial.Keys.Union(final.Keys, StringComparer.Ordinal)
            .Where(path => Selected(path, folder))
            .Where(path => !initial.TryGetValue(path, out var before) || !final.TryGetValue(path, out var after) || before != after)
            .Order(StringComparer.Ordinal);
    }

    public static string Render(IReadOnlyDictionary<string, string> initial, IReadOnlyDictionary<string, string> final, string selection)
    {
        var text = new StringBuilder();
        foreach (var path in Paths(initial, final, selection))
        {
            File(text, path, initial.GetValueOrDefault(path), final.GetValueOrDefault(path));
        }
        return text.ToString();
    }

    private static bool Selected(string path, string folder) =>
        folder.Length == 0 ? !path.StartsWith('/') : path == folder || path.StartsWith(folder + "/", StringComparison.Ordinal);

    private static void File(StringBuilder text, string path, string? before, string? after)
    {
        text.Append("--- ").Append(before is null ? "/dev/null" : path).Append('\n');
        text.Append("+++ ").Append(after is null ? "/dev/null" : path).Append('\n');
        if ((before ?? "").Contains('\0') || (after ?? "").Contains('\0'))
        {
            text.Append("Binary file changed\n");
            return;
        }
        var old = Lines(before);
        var @new = Lines(after);
        var prefix = 0;
        while (prefix < old.Length && prefix < @new.Length && old[prefix] == @new[prefix])
        {
            prefix++;
        }
        var suffix = 0;
        while (suffix < old.Length - prefix && suffix < @new.Length - prefix && old[^(suffix + 1)] == @new[^(suffix + 1)])
        {
            suffix++;
        }
        if (prefix == old.Length && prefix == @new.Length)
        {
            // Same lines, different bytes: only the final line break changed.
            text.Append("(only the line break at the end of the file changed)\n");
            return;
        }
        var start = Math.Max(0, prefix - Context);
        var oldEnd = Math.Min(old.Length, old.Length - suffix + Context);
        var newEnd = Math.Min(@new.Length, @new.Length - suffix + Context);
        text.Append(CultureInfo.InvariantCulture, $"@@ -{Range(start, oldEnd - start)} +{Range(start, newEnd - start)} @@\n");
        for (var i = start; i < prefix; i++)
        {
            text.Append(' ').Append(old[i]).Append('\n');
        }
        for (var i = prefix; i < old.Length - suffix; i++)
        {
            text.Append('-').Append(old[i]).Append('\n');
        }
        for (var i = prefix; i < @new.Length - suffix; i++)
        {
            text.Append('+').Append(@new[i]).Append('\n');
        }
        for (var i = old.Length - suffix; i < oldEnd; i++)
        {
            text.Append(' ').Append(old[i]).Append('\n');
        }
    }

    /// <summary>"start,count" as unified diffs number lines: from 1, and a range of no lines names the line before it.</summary>
    private static string Range(int start, int count) =>
        string.Create(CultureInfo.InvariantCulture, $"{(count == 0 ? start : start + 1)},{count}");

    private static string[] Lines(string? content)
    {
        if (string.IsNullOrEmpty(content))
        {
            return [];
        }
        var lines = content.Split('\n');
        return content.EndsWith('\n') ? lines[..^1] : lines;
    }
}
