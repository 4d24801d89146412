using System.Text;

namespace Scheme.Compiler.Text;

/// <summary>
/// Reads every file a suite consists of (its .scheme inputs, imports, load() and rubric() files) without ever
/// throwing or hanging: a bad path, a folder, a missing or unreadable file, anything but a regular file (a FIFO
/// would block the build forever, a device never ends), a file of the machine's state (/proc, /sys, /dev, after
/// following symbolic links: /proc/self/environ holds the build's secrets) or a file over the one size cap becomes
/// a reason for a diagnostic. Line breaks are normalized to \n, so a checkout with CRLF endings compiles to the same
/// prompts and the same preregistration fingerprints.
/// </summary>
public static class FileReader
{
    /// <summary>The largest file a suite may read, of any kind: 16 MiB. Diagnostics/README.md documents it.</summary>
    public const int MaxBytes = 16 * 1024 * 1024;

    /// <summary>Folders of the machine's own state, never a file of a study (Unix; compared after resolving links).</summary>
    private static readonly string[] MachineFolders = ["/proc", "/sys", "/dev"];

    public static bool TryRead(string fullPath, out string text, out string reason)
    {
        text = "";
        if (fullPath.IndexOfAny(['\0', .. Path.GetInvalidPathChars()]) >= 0)
        {
            reason = "the path contains a character no file name may contain";
            return false;
        }
        var real = RealPath(fullPath);
        if (real is null)
        {
            reason = "its symbolic links form a loop";
            return false;
        }
        if (!OperatingSystem.IsWindows() && MachineFolders.FirstOrDefault(f => real == f || real.StartsWith(f + "/", StringComparison.Ordinal)) is { } folder)
        {
            reason = $"it is in {folder}{(real == Path.GetFullPath(fullPath) ? "" : " once symbolic links are followed")}, which holds the state of this machine, not a file of the suite";
            return false;
        }
        if (Directory.Exists(fullPath))
        {
            reason = "it is a folder, not a file";
            return false;
        }
        if (!File.Exists(fullPath))
        {
            reason = "it does not exist";
            return false;
        }
        // Checked without opening it: opening a FIFO blocks until someone writes to it.
        if (FileKind.NotRegular(fullPath) is { } kind)
        {
            reason = $"it is {kind}, not a regular file";
            return false;
        }
        try
        {
            if (new FileInfo(fullPath).Length > MaxBytes)
            {
                reason = TooLarge;
                return false;
            }
            // Bounded even so: a file may grow between the check and the read.
            using var stream = new FileStream(fullPath, FileMode.Open, FileAccess.Read, FileShare.ReadWrite);
            using var bytes = new MemoryStream();
            var chunk = new byte[81920];
            for (int n; (n = stream.Read(chunk, 0, chunk.Length)) > 0;)
            {
                bytes.Write(chunk, 0, n);
                if (bytes.Length > MaxBytes)
                {
                    reason = TooLarge;
                    return false;
                }
            }
            bytes.Position = 0;
            using var reader = new StreamReader(bytes, Encoding.UTF8, detectEncodingFromByteOrderMarks: true);
            text = NormalizeLineBreaks(reader.ReadToEnd());
            reason = "";
            return true;
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            reason = e.Message;
            return false;
        }
    }

    private static string TooLarge => $"it is larger than {MaxBytes / (1024 * 1024)} MiB, the limit for any file a suite reads";

    public static string NormalizeLineBreaks(string text) =>
        text.Contains('\r') ? text.Replace("\r\n", "\n").Replace('\r', '\n') : text;

    /// <summary>
    /// The path with every symbolic link along it resolved, as realpath(3) does (a link in a folder's name counts as
    /// much as one in the file's), or null when links form a loop. A part that does not exist is kept as written.
    /// </summary>
    public static string? RealPath(string path)
    {
        string full;
        try
        {
            full = Path.GetFullPath(path);
        }
        catch (Exception e) when (e is ArgumentException or NotSupportedException or PathTooLongException)
        {
            return path; // Not a path this machine can resolve; reading it will say why.
        }
        var current = Path.GetPathRoot(full) ?? "/";
        var pending = new Stack<string>(Parts(full[current.Length..]).Reverse());
        for (var links = 0; pending.Count > 0;)
        {
            var part = pending.Pop();
            if (part == ".")
            {
                continue;
            }
            if (part == "..")
            {
                current = Path.GetDirectoryName(current) ?? current;
                continue;
            }
            var next = Path.Combine(current, part);
            string? target;
            try
            {
                target = new FileInfo(next).LinkTarget;
            }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException)
            {
                target = null;
            }
            if (target is null)
            {
                current = next;
                continue;
            }
            if (++links > 40)
            {
                return null;
            }
            if (Path.IsPathRooted(target))
            {
                current = Path.GetPathRoot(target) ?? current;
                target = target[current.Length..];
            }
            foreach (var p in Parts(target).Reverse())
            {
                pending.Push(p);
            }
        }
        return current;
    }

    private static IEnumerable<string> Parts(string path) =>
        path.Split([Path.DirectorySeparatorChar, Path.AltDirectorySeparatorChar], StringSplitOptions.RemoveEmptyEntries);

    /// <summary>Whether <paramref name="path"/>, links resolved, lies inside <paramref name="folder"/> (already resolved).</summary>
    public static bool IsInside(string path, string folder) => IsWithin(RealPath(path) ?? path, folder);

    /// <summary>Whether <paramref name="path"/> is <paramref name="folder"/> or lies below it, comparing the paths as written.</summary>
    public static bool IsWithin(string path, string folder)
    {
        var comparison = OperatingSystem.IsLinux() ? StringComparison.Ordinal : StringComparison.OrdinalIgnoreCase;
        var prefix = Path.EndsInDirectorySeparator(folder) ? folder : folder + Path.DirectorySeparatorChar;
        return path.StartsWith(prefix, comparison) || string.Equals(path, folder, comparison);
    }
}
