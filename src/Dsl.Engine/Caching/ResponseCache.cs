using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using Scheme.Engine.Providers;

namespace Scheme.Engine.Caching;

/// <summary>
/// Model responses stored by the hash of everything that determines them, so a rerun, a resumed run or a
/// re-grading costs nothing for requests already answered. One JSON file per response, named by its key.
/// </summary>
/// <remarks>
/// The key covers the provider kind, endpoint, model, the whole message list, the offered tools (name,
/// description, schema), every sampling parameter, the seed, the epoch, whether tools may be called and
/// whether the final message is continued (prefill).
/// The epoch is there because providers may ignore the seed: without it, 100 epochs of one prompt would
/// all be served the first epoch's answer. Credentials are deliberately not in the key: rotating a key must
/// not invalidate the cache, and a key must never be derivable from, or stored in, a cache directory.
/// Writes go to a temporary file renamed into place, so a killed run or two concurrent writers never
/// leave a half-written entry; a file that cannot be read is treated as a miss.
/// </remarks>
public sealed class ResponseCache
{
    /// <summary>Bumped when the key's composition or the stored form changes, so old entries stop matching.</summary>
    private const int FormatVersion = 1;

    public ResponseCache(string directory)
    {
        Directory = directory;
        System.IO.Directory.CreateDirectory(directory);
    }

    public string Directory { get; }

    public static string Key(string provider, string endpoint, ChatRequest request)
    {
        var canonical = JsonSerializer.Serialize(new
        {
            version = FormatVersion,
            provider,
            endpoint,
            model = request.Model,
            messages = request.Messages.Select(m => new
            {
                role = m.Role.ToString(),
                content = m.Content,
                toolCalls = m.ToolCalls?.Select(c => new { id = c.Id, name = c.Name, arguments = c.ArgumentsJson }),
                toolCallId = m.ToolCallId,
            }),
            tools = request.Tools.Select(t => new { name = t.Name, description = t.Description, schema = ToolSchema.Build(t) }),
            parameters = new
            {
                temperature = request.Parameters.Temperature,
                topP = request.Parameters.TopP,
                maxOutputTokens = request.Parameters.MaxOutputTokens,
                seed = request.Parameters.Seed,
                reasoningEffort = request.Parameters.ReasoningEffort,
            },
            epoch = request.Epoch,
            allowToolCalls = request.AllowToolCalls,
        });
        // Appended rather than a member above, so that the keys of every ordinary request stay what they were.
        if (request.ContinueFinalMessage)
        {
            canonical += "\ncontinue_final_message";
        }
        // A Harmony prompt holds the reasoning of recent turns (and a continuation's prefix), which chat completions never
        // sends: for that provider it is part of the request.
        if (provider == Providers.Harmony.HarmonyCompletionsProvider.Kind)
        {
            canonical += "\nreasoning " + JsonSerializer.Serialize(request.Messages.Select(m => m.Reasoning));
        }
        return Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(canonical)));
    }

    /// <summary>Entries are spread over 256 subdirectories so that no directory holds millions of files.</summary>
    public string PathOf(string key) => Path.Combine(Directory, key[..2], key + ".json");

    public bool TryGet(string key, out ChatResponse response)
    {
        response = null!;
        var path = PathOf(key);
        if (!File.Exists(path))
        {
            return false;
        }
        try
        {
            response = JsonSerializer.Deserialize<ChatResponse>(File.ReadAllText(path), Json)!;
            return response is not null;
        }
        catch (Exception ex) when (ex is JsonException or IOException or NotSupportedException)
        {
            return false;
        }
    }

    public void Put(string key, ChatResponse response)
    {
        var path = PathOf(key);
        System.IO.Directory.CreateDirectory(Path.GetDirectoryName(path)!);
        var temporary = $"{path}.{Guid.NewGuid():N}.tmp";
        try
        {
            File.WriteAllText(temporary, JsonSerializer.Serialize(response, Json));
            File.Move(temporary, path, overwrite: true);
        }
        finally
        {
            File.Delete(temporary);
        }
    }

    private static JsonSerializerOptions Json { get; } = new(JsonSerializerDefaults.Web);
}
