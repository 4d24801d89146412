using System.Text;
using Scheme.Compiler.Diagnostics;
using Scheme.Compiler.Text;

namespace Scheme.Compiler.Formatting;

/// <summary>What formatting one file on disk came to.</summary>
public enum FileFormatStatus
{
    /// <summary>Already in canonical layout; not touched.</summary>
    Unchanged,

    /// <summary>Rewritten in canonical layout (or, with --check, would be).</summary>
    Changed,

    /// <summary>It does not parse: <see cref="FileFormatOutcome.Errors"/> say why; not touched.</summary>
    SyntaxErrors,

    /// <summary>It does not exist (SCH9008).</summary>
    NotFound,

    /// <summary>A problem with the file itself, <see cref="FileFormatOutcome.Problem"/> says which (SCH9040-SCH9042, SCH9044); not touched.</summary>
    Failed,
}

/// <param name="Problem">The line to print, code included, when there is one (a failure; with --check, a file that would change).</param>
/// <param name="Code">The SCH90xx code of <paramref name="Problem"/>.</param>
public sealed record FileFormatOutcome(FileFormatStatus Status, IReadOnlyList<Diagnostic> Errors, string? Problem = null, string? Code = null);

/// <summary>
/// <c>scheme fmt</c> on one file: reads its bytes as they are (the compiler's reader normalizes line breaks and drops
/// the byte order mark; here both must survive), formats, and writes atomically: the new text goes to a temporary file
/// beside it, which is then renamed over it, so an interrupted run leaves the old file or the new one, never half of
/// one. A read-only file is refused, not replaced (renaming over it would succeed, which is not what read-only means).
/// </summary>
public static class FileFormatter
{
    public const string NotFound = "SCH9008";
    public const string Unreadable = "SCH9040";
    public const string NotUtf8 = "SCH9041";
    public const string Unwritable = "SCH9042";
    public const string NotFormatted = "SCH9043";
    public const string FormatterError = "SCH9044";

    private static readonly UTF8Encoding StrictUtf8 = new(encoderShouldEmitUTF8Identifier: false, throwOnInvalidBytes: true);

    /// <param name="check">Only say whether the file would change; never write.</param>
    public static FileFormatOutcome Run(string path, bool check)
    {
        if (!File.Exists(path) && !Directory.Exists(path))
        {
            return new FileFormatOutcome(FileFormatStatus.NotFound, [], $"{Show(path)}: error {NotFound}: Input file not found.", NotFound);
        }
        // Through symbolic links, so the file is rewritten where it is and the link stays a link.
        var real = FileReader.RealPath(path) ?? path;
        if (Read(real) is not { } bytes)
        {
            return Failed(path, Unreadable, $"Cannot read the file: {ReadProblem(real)}");
        }
        var bom = bytes.Length >= 3 && bytes[0] == 0xEF && bytes[1] == 0xBB && bytes[2] == 0xBF;
        string text;
        try
        {
            text = (bom ? "\uFEFF" : "") + StrictUtf8.GetString(bytes, bom ? 3 : 0, bytes.Length - (bom ? 3 : 0));
        }
        catch (DecoderFallbackException e)
        {
            return Failed(path, NotUtf8, $"The file is not UTF-8 text (invalid bytes at offset {e.Index + (bom ? 3 : 0)}); it was left unchanged.");
        }
        var result = SchemeFormatter.Format(text, path);
        if (result.InternalError is { } internalError)
        {
            return Failed(path, FormatterError, $"Internal formatter error. {internalError} Please report it with the file.");
        }
        if (result.Formatted is null)
        {
            return new FileFormatOutcome(FileFormatStatus.SyntaxErrors, result.Errors);
        }
        if (!result.Changed)
        {
            return new FileFormatOutcome(FileFormatStatus.Unchanged, []);
        }
        if (check)
        {
            return new FileFormatOutcome(FileFormatStatus.Changed, [], $"{Show(path)}: error {NotFormatted}: The file is not in canonical layout; run 'scheme fmt' on it.", NotFormatted);
        }
        return Write(real, result.Formatted) is { } problem
            ? Failed(path, Unwritable, $"Cannot write the formatted file: {problem}; it was left unchanged.")
            : new FileFormatOutcome(FileFormatStatus.Changed, []);
    }

    private static FileFormatOutcome Failed(string path, string code, string message) =>
        new(FileFormatStatus.Failed, [], $"{Show(path)}: error {code}: {message}", code);

    private static string Show(string path) => Diagnostic.OneLine(path);

    private static byte[]? Read(string path)
    {
        if (Directory.Exists(path) || FileKind.NotRegular(path) is not null)
        {
            return null;
        }
        try
        {
            return new FileInfo(path).Length > FileReader.MaxBytes ? null : File.ReadAllBytes(path);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            return null;
        }
    }

    /// <summary>Why <see cref="Read"/> failed, in the words FileReader uses for every file a suite reads.</summary>
    private static string ReadProblem(string path) =>
        FileReader.TryRead(path, out _, out var reason) ? "it changed while it was read" : reason;

    /// <returns>Null when written, else why not.</returns>
    private static string? Write(string path, string text)
    {
        if (!OperatingSystem.IsWindows() && (File.GetUnixFileMode(path) & UnixFileMode.UserWrite) == 0
            || OperatingSystem.IsWindows() && new FileInfo(path).IsReadOnly)
        {
            return "the file is read-only";
        }
        try
        {
            // The mode bits say what the owner may do; this says what this process may do (a file of another user, a
            // group's file): a file it cannot write is not replaced by a rename either.
            using var probe = new FileStream(path, FileMode.Open, FileAccess.Write);
        }
        catch (Exception e) when (e is UnauthorizedAccessException or IOException)
        {
            return "the file cannot be written: " + e.Message;
        }
        var folder = Path.GetDirectoryName(Path.GetFullPath(path)) ?? ".";
        var temporary = Path.Combine(folder, $".{Path.GetFileName(path)}.{Guid.NewGuid():N}.fmt.tmp");
        try
        {
            using (var stream = new FileStream(temporary, FileMode.CreateNew, FileAccess.Write))
            {
                var bytes = new UTF8Encoding(encoderShouldEmitUTF8Identifier: false).GetBytes(text);
                stream.Write(bytes);
                stream.Flush(flushToDisk: true);
            }
            if (!OperatingSystem.IsWindows())
            {
                File.SetUnixFileMode(temporary, File.GetUnixFileMode(path));
            }
            File.Move(temporary, path, overwrite: true);
            return null;
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            try
            {
                File.Delete(temporary);
            }
            catch (Exception cleanup) when (cleanup is IOException or UnauthorizedAccessException)
            {
                // The temporary file could not be removed either; the original is intact, which is what matters.
            }
            return e.Message;
        }
    }
}
