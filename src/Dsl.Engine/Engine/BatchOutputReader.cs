using System.Text.Json;
using System.Text.Json.Nodes;
using Scheme.Engine.Caching;
using Scheme.Engine.Providers;
using Scheme.Engine.Store;

using Scheme.Engine.Batching;

namespace Scheme.Engine;

/// <summary>
/// Reads a batch's output or error file, a line at a time under a byte limit: each answer is read by the SDK as a live
/// answer is, scrubbed of keys, written to the response cache and charged at the batch price; each error line fails its
/// request (a 4xx) or leaves it for the next round (429, 5xx, a 200 that is not a completion), as
/// <see cref="BatchQueue"/> bounds. Malformed lines and custom_ids the batch did not send are skipped, counted and said.
/// </summary>
internal sealed class BatchOutputReader(BatchQueue queue, ResponseCache cache, CostMeter meter, SecretScrubber scrubber, int maxLineBytes, TextWriter log)
{
    private long _answered;

    /// <summary>Requests answered so far.</summary>
    public long Answered => Interlocked.Read(ref _answered);

    /// <param name="keys">The custom ids the batch was sent with, or null for a batch of an earlier process (then any
    /// well-formed key is accepted: keys are hashes of the requests they answer).</param>
    /// <param name="handled">The keys read so far (answered or failed), added to.</param>
    /// <returns>What went wrong with the file as a whole, or null.</returns>
    public async Task<string?> ReadAsync(Stream stream, string fileId, BatchTarget target, BatchRow row, HashSet<string>? keys, HashSet<string> handled,
        CancellationToken cancellationToken)
    {
        long malformed = 0, unknown = 0, lines = 0;
        // Each line holds one answer; more lines than requests (with some slack) is not an output file of this batch.
        var maxLines = (long)row.RequestCount * 2 + 16;
        var reader = new BoundedLineReader(stream, maxLineBytes);
        while (lines < maxLines && await reader.ReadAsync(cancellationToken).ConfigureAwait(false) is var (line, tooLong) && (line is not null || tooLong))
        {
            lines++;
            if (tooLong)
            {
                malformed++;
                continue;
            }
            switch (Read(target, row, line!, keys, handled))
            {
                case LineResult.Malformed:
                    malformed++;
                    break;
                case LineResult.Unknown:
                    unknown++;
                    break;
            }
        }
        if (malformed + unknown > 0)
        {
            log.WriteLine($"warning {BatchRunner.LinesIgnored}: file {fileId} of batch {row.BatchId}: {malformed} malformed line(s) (not JSON, no custom_id, or over " +
                $"{maxLineBytes} bytes) and {unknown} line(s) with a custom_id the batch did not send were ignored.");
        }
        return lines >= maxLines ? $"file {fileId} has more lines than the batch has requests; the rest was not read" : null;
    }

    private enum LineResult
    {
        Read,
        Malformed,
        Unknown,
    }

    private LineResult Read(BatchTarget target, BatchRow row, byte[] line, HashSet<string>? keys, HashSet<string> handled)
    {
        JsonObject? json;
        try
        {
            json = JsonNode.Parse(line) as JsonObject;
        }
        catch (JsonException)
        {
            return LineResult.Malformed;
        }
        if (json?["custom_id"] is not JsonValue idValue || !idValue.TryGetValue<string>(out var key))
        {
            return LineResult.Malformed;
        }
        if (keys is null ? !IsKey(key) : !keys.Contains(key))
        {
            return LineResult.Unknown;
        }
        if (!handled.Add(key))
        {
            return LineResult.Read;
        }
        var response = json["response"] as JsonObject;
        var status = response?["status_code"] is JsonValue s && s.TryGetValue<int>(out var code) ? code : (int?)null;
        if (status == 200 && response!["body"] is not JsonObject)
        {
            // As live: a 200 whose body is not a completion (a proxy's page) is worth another try.
            Failed(key, new ChatProviderException($"{row.Endpoint} answered the batched request with a body that is not a chat completion.", 200, true));
            return LineResult.Read;
        }
        if (status == 200 && response!["body"] is JsonObject body)
        {
            try
            {
                var answer = scrubber.Scrub(target.Reader.ReadBody(BinaryData.FromString(body.ToJsonString())));
                Store(key, answer);
                meter.Add(row.Model, answer.Usage, batch: true);
                Interlocked.Increment(ref _answered);
            }
            catch (ChatProviderException ex)
            {
                Failed(key, ex);
            }
            return LineResult.Read;
        }
        var message = Message(json["error"]) ?? Message((response?["body"] as JsonObject)?["error"]) ?? "no answer";
        Failed(key, new ChatProviderException(scrubber.Scrub($"{row.Endpoint} answered the batched request with " +
            (status is { } st ? $"HTTP {st}" : "an error") + $": {OpenAiChatProvider.Truncate(message)}")!,
            status, status is null || ChatProviderException.IsTransientStatus(status.Value)));
        return LineResult.Read;
    }

    /// <summary>A failed answer: transient ones go into the next round (bounded), others fail the units that asked.</summary>
    private void Failed(string key, ChatProviderException error)
    {
        if (error.IsTransient)
        {
            queue.Unanswered(key, error.Message, error.StatusCode);
        }
        else
        {
            queue.Fail(key, error);
            queue.Answered(key);
        }
    }

    private void Store(string key, ChatResponse answer)
    {
        try
        {
            cache.Put(key, answer);
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            queue.Remember(key, answer);
        }
        queue.Answered(key);
    }

    private static string? Message(JsonNode? error) => error switch
    {
        JsonObject o when o["message"] is JsonValue m && m.TryGetValue<string>(out var text) =>
            o["code"] is JsonValue c && c.TryGetValue<string>(out var code) ? $"{code}: {text}" : text,
        JsonValue v when v.TryGetValue<string>(out var text) => text,
        _ => null,
    };

    private static bool IsKey(string text) => text.Length == 64 && text.All(char.IsAsciiHexDigitLower);
}
