namespace Scheme.LanguageServer.Workspace;

/// <summary>
/// file: URIs to full paths and back. The server keys every file by its full path, and answers with the URI the client
/// opened a document under when there is one, so a client that spells URIs its own way (VS Code escapes ':' in drive
/// letters) recognizes them.
/// </summary>
public static class DocumentUris
{
    /// <summary>The full path of a file: URI, or null for any other (an untitled buffer, a malformed string).</summary>
    public static string? ToPath(string? uri)
    {
        if (string.IsNullOrEmpty(uri) || !Uri.TryCreate(uri, UriKind.Absolute, out var parsed) || !parsed.IsFile)
        {
            return null;
        }
        try
        {
            return Path.GetFullPath(parsed.LocalPath);
        }
        catch (Exception e) when (e is ArgumentException or NotSupportedException or PathTooLongException)
        {
            return null;
        }
    }

    public static string FromPath(string fullPath) => new Uri(fullPath).AbsoluteUri;
}
