using System.Globalization;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using Scheme.Engine.Providers;

namespace Scheme.Engine.Batching;

/// <summary>A batch as GET /v1/batches/{id} describes it.</summary>
public sealed record BatchStatus(string Id, string Status, string? InputFileId, string? OutputFileId, string? ErrorFileId, string? Errors,
    int Total, int Completed, int Failed)
{
    public bool IsTerminal => Status is "completed" or "failed" or "expired" or "cancelled";
}

/// <summary>A call of the files or batches API that failed; <see cref="IsTransient"/> as for chat requests (429, 5xx, no answer).</summary>
public sealed class BatchApiException(string message, bool isTransient, Exception? inner = null, int? status = null) : Exception(message, inner)
{
    public bool IsTransient { get; } = isTransient;

    /// <summary>The HTTP status the server answered, or null when it gave none.</summary>
    public int? Status { get; } = status;

    /// <summary>401 or 403: the key was refused, which says nothing about the batch (it may still run).</summary>
    public bool IsAuthorization => Status is 401 or 403;
}

/// <summary>
/// The files and batches endpoints of an OpenAI-compatible server (POST /files purpose=batch, POST /batches, GET
/// /batches/{id}, GET /batches, GET /files/{id}/content). Plain HTTP rather than the SDK's BatchClient, which in SDK 2.x is
/// protocol-only (BinaryContent in, raw JSON out) and whose file download buffers the whole file: an output file is
/// read here as a stream, a line at a time, under a byte limit. The chat bodies inside the files are the SDK's own
/// (written and read by <see cref="BatchTarget.Reader"/>).
/// </summary>
public sealed class OpenAiBatchApi : IDisposable
{
    /// <summary>The chat endpoint every request of a batch goes to, as the batch API names it.</summary>
    public const string ChatEndpoint = "/v1/chat/completions";

    private readonly HttpClient _http;
    private readonly string _base;
    private readonly SecretScrubber _ownKey;

    public OpenAiBatchApi(string endpoint, string apiKey, TimeSpan timeout)
    {
        _base = endpoint.TrimEnd('/');
        _ownKey = new SecretScrubber([apiKey]);
        _http = new HttpClient { Timeout = timeout };
        _http.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", apiKey);
    }

    public string Endpoint => _base;

    /// <summary>Uploads a JSONL input file with purpose batch; returns its file id.</summary>
    public async Task<string> UploadAsync(string path, CancellationToken cancellationToken)
    {
        await using var file = File.OpenRead(path);
        using var content = new MultipartFormDataContent
        {
            { new StringContent("batch"), "purpose" },
        };
        var part = new StreamContent(file);
        part.Headers.ContentType = new MediaTypeHeaderValue("application/jsonl");
        content.Add(part, "file", Path.GetFileName(path));
        var json = await SendAsync(HttpMethod.Post, "/files", content, cancellationToken).ConfigureAwait(false);
        return Text(json, "id") ?? throw new BatchApiException($"{_base}/files answered without a file id.", true);
    }

    public async Task<BatchStatus> CreateAsync(string inputFileId, CancellationToken cancellationToken)
    {
        var body = new JsonObject { ["input_file_id"] = inputFileId, ["endpoint"] = ChatEndpoint, ["completion_window"] = "24h" };
        using var content = new StringContent(body.ToJsonString(), Encoding.UTF8, "application/json");
        return Status(await SendAsync(HttpMethod.Post, "/batches", content, cancellationToken).ConfigureAwait(false));
    }

    public async Task<BatchStatus> GetAsync(string batchId, CancellationToken cancellationToken) =>
        Status(await SendAsync(HttpMethod.Get, "/batches/" + Uri.EscapeDataString(batchId), null, cancellationToken).ConfigureAwait(false));

    /// <summary>The most recent batches (one page of 100): how resume finds a batch created just before a crash.</summary>
    public async Task<IReadOnlyList<BatchStatus>> ListAsync(CancellationToken cancellationToken)
    {
        var json = await SendAsync(HttpMethod.Get, "/batches?limit=100", null, cancellationToken).ConfigureAwait(false);
        return json["data"] is JsonArray data ? data.OfType<JsonObject>().Select(Status).ToList() : [];
    }

    /// <summary>A file's content as a stream (not buffered); the caller reads it under its own limits.</summary>
    public async Task<HttpResponseMessage> OpenContentAsync(string fileId, CancellationToken cancellationToken)
    {
        var request = new HttpRequestMessage(HttpMethod.Get, $"{_base}/files/{Uri.EscapeDataString(fileId)}/content");
        HttpResponseMessage response;
        try
        {
            response = await _http.SendAsync(request, HttpCompletionOption.ResponseHeadersRead, cancellationToken).ConfigureAwait(false);
        }
        catch (Exception ex) when (ex is HttpRequestException || (ex is TaskCanceledException && !cancellationToken.IsCancellationRequested))
        {
            throw new BatchApiException($"{_base}/files/{fileId}/content did not answer ({ex.GetType().Name}: {_ownKey.Scrub(ex.Message)})", true, ex);
        }
        if (!response.IsSuccessStatusCode)
        {
            var status = (int)response.StatusCode;
            response.Dispose();
            throw new BatchApiException($"{_base}/files/{fileId}/content answered HTTP {status}.", ChatProviderException.IsTransientStatus(status));
        }
        return response;
    }

    public void Dispose() => _http.Dispose();

    private async Task<JsonObject> SendAsync(HttpMethod method, string path, HttpContent? content, CancellationToken cancellationToken)
    {
        using var request = new HttpRequestMessage(method, _base + path) { Content = content };
        string text;
        int status;
        try
        {
            using var response = await _http.SendAsync(request, cancellationToken).ConfigureAwait(false);
            status = (int)response.StatusCode;
            // These answers are small JSON objects; a server that sends more is not one to trust with a batch.
            if (response.Content.Headers.ContentLength > MaxAnswerBytes)
            {
                throw new BatchApiException($"{_base}{path} answered {response.Content.Headers.ContentLength} bytes, more than a batch object.", false);
            }
            text = await response.Content.ReadAsStringAsync(cancellationToken).ConfigureAwait(false);
        }
        catch (Exception ex) when (ex is HttpRequestException || (ex is TaskCanceledException && !cancellationToken.IsCancellationRequested))
        {
            throw new BatchApiException($"{_base}{path} did not answer ({ex.GetType().Name}: {_ownKey.Scrub(ex.Message)})", true, ex);
        }
        if (status is < 200 or > 299)
        {
            throw new BatchApiException($"{_base}{path} answered HTTP {status}: {OpenAiChatProvider.Truncate(_ownKey.Scrub(text))}",
                ChatProviderException.IsTransientStatus(status), status: status);
        }
        try
        {
            return JsonNode.Parse(text) as JsonObject ?? throw new JsonException("not an object");
        }
        catch (JsonException ex)
        {
            throw new BatchApiException($"{_base}{path} answered a body that is not a JSON object ({OpenAiChatProvider.Truncate(_ownKey.Scrub(text))})", true, ex);
        }
    }

    private const long MaxAnswerBytes = 16L << 20;

    private BatchStatus Status(JsonObject json)
    {
        var id = Text(json, "id") ?? throw new BatchApiException($"{_base}/batches answered a batch without an id.", true);
        var counts = json["request_counts"] as JsonObject;
        string? errors = null;
        if (json["errors"] is JsonObject e && e["data"] is JsonArray data)
        {
            errors = string.Join("; ", data.OfType<JsonObject>().Take(5).Select(d =>
                string.Join(" ", new[] { Text(d, "code"), Text(d, "message"), d["line"] is JsonValue l ? "line " + l.ToJsonString() : null }.Where(s => s is not null))));
        }
        return new BatchStatus(id, Text(json, "status") ?? "unknown", Text(json, "input_file_id"), Text(json, "output_file_id"), Text(json, "error_file_id"),
            errors is null ? null : _ownKey.Scrub(errors), Count(counts, "total"), Count(counts, "completed"), Count(counts, "failed"));
    }

    private static string? Text(JsonObject json, string name) =>
        json[name] is JsonValue value && value.TryGetValue<string>(out var text) ? text : null;

    private static int Count(JsonObject? json, string name) =>
        json?[name] is JsonValue value && value.TryGetValue<int>(out var n) ? n
        : json?[name] is JsonValue v && long.TryParse(v.ToJsonString(), NumberStyles.Integer, CultureInfo.InvariantCulture, out var l) ? (int)Math.Clamp(l, 0, int.MaxValue) : 0;
}
