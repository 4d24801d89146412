using System.Text;

namespace Scheme.Compiler.Text;

/// <summary>
/// Reads the files a suite names (imports, load(), rubric()) without ever throwing: a bad path, a folder,
/// a missing or unreadable file, or something huge (a device such as /dev/zero) becomes a reason for a
/// diagnostic. Line breaks are normalized to \n, so a checkout with CRLF endings compiles to the same prompts
/// and the same preregistration fingerprints.
/// </summary>
public static class FileReader
{
    public const int MaxCharacters = 16 * 1024 * 1024;

    public static bool TryRead(string fullPath, out string text, out string reason)
    {
        text = "";
        if (fullPath.IndexOfAny(['\0', .. Path.GetInvalidPathChars()]) >= 0)
        {
            reason = "the path contains a character no file name may contain";
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
        try
        {
            using var reader = new StreamReader(fullPath, Encoding.UTF8, detectEncodingFromByteOrderMarks: true);
            var buffer = new char[MaxCharacters + 1];
            var read = reader.ReadBlock(buffer, 0, buffer.Length);
            if (read > MaxCharacters)
            {
                reason = $"it is larger than {MaxCharacters / (1024 * 1024)} MB of text";
                return false;
            }
            text = NormalizeLineBreaks(new string(buffer, 0, read));
            reason = "";
            return true;
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            reason = e.Message;
            return false;
        }
    }

    public static string NormalizeLineBreaks(string text) =>
        text.Contains('\r') ? text.Replace("\r\n", "\n").Replace('\r', '\n') : text;
}
