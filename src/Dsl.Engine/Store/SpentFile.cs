using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace Scheme.Engine.Store;

/// <summary>
/// <c>spent.json</c> in a run directory: the directory's total paid (every session's, as in its run.db's spend table),
/// for the other shards of the same run to read. Shards on a cluster share only a network file system, where
/// SQLite's WAL is unsafe across hosts, so they never open each other's run.db; this small file is replaced
/// atomically instead (written to a temporary file in the same folder, then renamed over the old one), so a
/// reader sees the old total or the new one, never half a file.
/// </summary>
public static class SpentFile
{
    public const string FileName = "spent.json";

    public static void Write(string runDirectory, double totalUsd)
    {
        var micro = RunSpend.ToMicro(totalUsd);
        var json = new JsonObject
        {
            ["total_usd"] = micro / 1e6,
            ["micro_usd"] = micro,
            ["updated_at"] = DateTimeOffset.UtcNow.ToString("O", CultureInfo.InvariantCulture),
        }.ToJsonString();
        // All or nothing (a sibling reading it mid-write sees the old total or the new one), fsynced.
        AtomicFile.WriteAllText(Path.Combine(runDirectory, FileName), json);
    }

    /// <summary>
    /// The total a run directory's spent.json holds: 0 when there is none (a shard that has not started, or spent
    /// nothing yet). A file that is not ours (not JSON, no micro_usd, negative) is <see cref="InvalidDataException"/>.
    /// </summary>
    public static double Read(string runDirectory)
    {
        var path = Path.Combine(runDirectory, FileName);
        string text;
        try
        {
            text = File.ReadAllText(path);
        }
        catch (Exception e) when (e is FileNotFoundException or DirectoryNotFoundException)
        {
            return 0;
        }
        try
        {
            using var document = JsonDocument.Parse(text);
            if (document.RootElement.ValueKind == JsonValueKind.Object
                && document.RootElement.TryGetProperty("micro_usd", out var micro)
                && micro.TryGetInt64(out var value) && value >= 0)
            {
                return value / 1e6;
            }
        }
        catch (JsonException)
        {
        }
        throw new InvalidDataException($"{path} does not hold a run's spend (expected {{\"micro_usd\": <non-negative integer>, ...}}).");
    }
}
