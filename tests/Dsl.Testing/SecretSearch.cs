using System.IO.Compression;
using System.Text;
using System.Text.Encodings.Web;
using Microsoft.Data.Sqlite;

namespace Scheme.Testing;

/// <summary>
/// Looks for a secret in every file under a folder, the way an attacker with the folder would: the raw bytes of
/// every file, in every spelling the writers produce (raw, JSON-escaped by either encoder, CSV-quoted), and pieces
/// of it (a key cut by a truncated message is still a leak), and inside SQLite databases every value, gzip-compressed
/// ones decompressed.
/// </summary>
public static class SecretSearch
{
    /// <summary>Where the secret was found, or nothing.</summary>
    public static IReadOnlyList<string> Find(string secret, string directory)
    {
        var needles = Needles(secret).Select(Encoding.UTF8.GetBytes).ToList();
        var hits = new List<string>();
        foreach (var file in Directory.EnumerateFiles(directory, "*", SearchOption.AllDirectories))
        {
            var bytes = File.ReadAllBytes(file);
            if (needles.Any(n => bytes.AsSpan().IndexOf(n) >= 0))
            {
                hits.Add(file);
            }
            if (file.EndsWith(".db", StringComparison.Ordinal) && bytes.AsSpan().StartsWith("SQLite format 3\0"u8))
            {
                hits.AddRange(InDatabase(file, needles));
            }
        }
        return hits;
    }

    public static void AssertAbsent(string secret, string directory)
    {
        var hits = Find(secret, directory);
        if (hits.Count > 0)
        {
            throw new Xunit.Sdk.XunitException($"The secret is on disk in: {string.Join(", ", hits)}");
        }
    }

    /// <summary>The secret's spellings and its distinctive pieces (at least 12 characters from each end).</summary>
    private static IEnumerable<string> Needles(string secret)
    {
        string[] spellings = [secret, JavaScriptEncoder.Default.Encode(secret), JavaScriptEncoder.UnsafeRelaxedJsonEscaping.Encode(secret),
            secret.Replace("\"", "\"\"", StringComparison.Ordinal)];
        var piece = Math.Min(12, secret.Length);
        return spellings.Append(secret[..piece]).Append(secret[^piece..]).Distinct();
    }

    private static IEnumerable<string> InDatabase(string path, List<byte[]> needles)
    {
        var hits = new List<string>();
        using var connection = new SqliteConnection($"Data Source={path};Mode=ReadOnly;Pooling=False");
        connection.Open();
        var tables = new List<string>();
        using (var list = connection.CreateCommand())
        {
            list.CommandText = "SELECT name FROM sqlite_master WHERE type = 'table';";
            using var reader = list.ExecuteReader();
            while (reader.Read())
            {
                tables.Add(reader.GetString(0));
            }
        }
        foreach (var table in tables)
        {
            using var select = connection.CreateCommand();
            select.CommandText = $"SELECT * FROM \"{table}\";";
            using var reader = select.ExecuteReader();
            while (reader.Read())
            {
                for (var i = 0; i < reader.FieldCount; i++)
                {
                    var value = reader.IsDBNull(i) ? null : reader.GetValue(i);
                    var bytes = value switch
                    {
                        byte[] blob when blob.Length > 2 && blob[0] == 0x1f && blob[1] == 0x8b => Gunzip(blob),
                        byte[] blob => blob,
                        string text => Encoding.UTF8.GetBytes(text),
                        _ => [],
                    };
                    if (needles.Any(n => bytes.AsSpan().IndexOf(n) >= 0))
                    {
                        hits.Add($"{path} ({table}.{reader.GetName(i)})");
                    }
                }
            }
        }
        return hits;
    }

    private static byte[] Gunzip(byte[] blob)
    {
        using var gzip = new GZipStream(new MemoryStream(blob), CompressionMode.Decompress);
        using var output = new MemoryStream();
        gzip.CopyTo(output);
        return output.ToArray();
    }
}
