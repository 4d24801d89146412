using System.Collections.Concurrent;
using System.Text;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;

namespace Scheme.Testing.Fakes;

/// <summary>
/// How one batch of <see cref="FakeBatchApi"/> behaves: how many polls it stays in progress, how it ends, which
/// requests it answers, and what else it writes into its files.
/// </summary>
public sealed record FakeBatchPlan
{
    /// <summary>Polls answered "in_progress" before the batch ends.</summary>
    public int PendingPolls { get; init; }

    /// <summary>completed, expired, failed or cancelled.</summary>
    public string End { get; init; } = "completed";

    /// <summary>For an expired or cancelled batch: the requests answered before it ended (the first N of its file).</summary>
    public int AnswerFirst { get; init; }

    /// <summary>The error of a failed batch (errors.data[0].message).</summary>
    public string FailureMessage { get; init; } = "scripted failure";

    /// <summary>When set, every download of the batch's output file is answered with this HTTP status (a file that never arrives).</summary>
    public int? OutputStatus { get; init; }

    /// <summary>Extra lines appended to the output file (hostile servers: unknown ids, malformed lines).</summary>
    public IReadOnlyList<string> ExtraOutputLines { get; init; } = [];
}

/// <summary>
/// The files and batches endpoints of the OpenAI API for <see cref="FakeOpenAiServer"/>: install <see cref="Handle"/> as the
/// server's handler. Each batch's chat requests are answered by <paramref name="chat"/>, the same reply script a live run
/// is answered by, so that a batched run and a live run can be compared; a reply with a status other than 200 goes into
/// the error file, as OpenAI writes a failed request. Requests to any other path go to <paramref name="chat"/> as live ones.
/// </summary>
/// <remarks>Batches are told apart by creation order (0, 1, ...); <see cref="Plan"/> says how each behaves. While
/// <see cref="Hold"/> is set, every batch stays in progress (a runner can be killed while it waits).</remarks>
public sealed partial class FakeBatchApi(Func<RecordedRequest, FakeReply> chat)
{
    private readonly ConcurrentDictionary<string, string> _files = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<string, Batch> _batches = new(StringComparer.Ordinal);
    private readonly ConcurrentQueue<string> _submitted = new();
    private readonly Lock _lock = new();
    private int _fileIds;
    private int _batchIds;
    private long _liveRequests;

    /// <summary>How batch number n (from 0, in creation order) behaves; the default completes at once.</summary>
    public Func<int, FakeBatchPlan> Plan { get; set; } = _ => new FakeBatchPlan();

    /// <summary>While true, every batch stays "in_progress" whatever its plan.</summary>
    public bool Hold { get; set; }

    /// <summary>Set when the first batch has been created (the runner is then waiting on it).</summary>
    public TaskCompletionSource FirstBatchCreated { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);

    /// <summary>When set, every upload is refused with this status and a body that quotes the request's Authorization header
    /// (a hostile server echoing the key).</summary>
    public int? UploadStatus { get; set; }

    /// <summary>Set at the first poll of a batch: the runner has recorded it and is waiting on it.</summary>
    public TaskCompletionSource FirstPolled { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);

    /// <summary>Called when a batch has been created, before the answer is sent (a test kills the runner there).</summary>
    public Action? OnCreated { get; set; }

    /// <summary>Every custom_id of every batch created, in order: a request submitted twice appears twice.</summary>
    public IReadOnlyList<string> SubmittedIds => _submitted.ToList();

    /// <summary>The request bodies of every batch created, by custom_id.</summary>
    public ConcurrentDictionary<string, string> SubmittedBodies { get; } = new(StringComparer.Ordinal);

    public int BatchesCreated => Volatile.Read(ref _batchIds);

    /// <summary>Chat requests that came live (not in a batch).</summary>
    public long LiveRequests => Interlocked.Read(ref _liveRequests);

    /// <summary>
    /// Per POST /batches call (0, 1, ...): null answers normally; otherwise the call answers that HTTP status, after
    /// creating the batch when Created (the answer lost on the way back, as a timeout does).
    /// </summary>
    public Func<int, (bool Created, int Status)?> CreateFault { get; set; } = _ => null;

    /// <summary>When set, GET /batches (the list) answers this HTTP status.</summary>
    public int? ListStatus { get; set; }

    /// <summary>When set, GET /batches/{id} (polling) answers this HTTP status.</summary>
    public int? PollStatus { get; set; }

    private int _createCalls;

    public FakeReply Handle(RecordedRequest request)
    {
        var path = request.Path.StartsWith("/v1/", StringComparison.Ordinal) ? request.Path[3..] : request.Path;
        lock (_lock)
        {
            return (request.Method, path) switch
            {
                ("POST", "/files") => Upload(request),
                ("POST", "/batches") => Create(request),
                ("GET", "/batches") when ListStatus is { } listStatus => new FakeReply(listStatus, """{"error":{"message":"scripted list failure"}}"""),
                ("GET", "/batches") => Json(new JsonObject { ["object"] = "list", ["data"] = new JsonArray([.. _batches.Values.OrderBy(b => b.Index).Select(b => b.Json())]) }),
                ("GET", var p) when p.StartsWith("/batches/", StringComparison.Ordinal) && PollStatus is { } pollStatus =>
                    new FakeReply(pollStatus, """{"error":{"message":"scripted poll refusal"}}"""),
                ("GET", var p) when p.StartsWith("/batches/", StringComparison.Ordinal) => Poll(p["/batches/".Length..]),
                ("GET", var p) when FileContent().Match(p) is { Success: true } m => Download(m.Groups[1].Value),
                _ => Live(request),
            };
        }
    }

    private FakeReply Download(string fileId)
    {
        if (_batches.Values.FirstOrDefault(b => b.OutputFileId == fileId) is { Plan.OutputStatus: { } status })
        {
            return FakeReply.Error(status);
        }
        return _files.TryGetValue(fileId, out var text) ? new FakeReply(200, text) : NotFound("file");
    }

    private FakeReply Live(RecordedRequest request)
    {
        Interlocked.Increment(ref _liveRequests);
        return chat(request);
    }

    private FakeReply Upload(RecordedRequest request)
    {
        if (UploadStatus is { } refused)
        {
            return new FakeReply(refused, new JsonObject { ["error"] = new JsonObject { ["message"] = "Incorrect API key: " + request.Headers.GetValueOrDefault("authorization") } }.ToJsonString());
        }
        var boundary = Boundary().Match(request.Headers.GetValueOrDefault("content-type") ?? "");
        if (!boundary.Success)
        {
            return new FakeReply(400, """{"error":{"message":"not multipart"}}""");
        }
        string? purpose = null, content = null;
        foreach (var part in request.Body.Split("--" + boundary.Groups[1].Value))
        {
            var split = part.IndexOf("\r\n\r\n", StringComparison.Ordinal);
            if (split < 0)
            {
                continue;
            }
            var head = part[..split];
            var body = part[(split + 4)..];
            body = body.EndsWith("\r\n", StringComparison.Ordinal) ? body[..^2] : body;
            if (head.Contains("name=purpose", StringComparison.Ordinal) || head.Contains("name=\"purpose\"", StringComparison.Ordinal))
            {
                purpose = body;
            }
            else if (head.Contains("name=file", StringComparison.Ordinal) || head.Contains("name=\"file\"", StringComparison.Ordinal))
            {
                content = body;
            }
        }
        if (purpose != "batch" || content is null)
        {
            return new FakeReply(400, """{"error":{"message":"purpose must be batch, with a file"}}""");
        }
        var id = $"file-{Interlocked.Increment(ref _fileIds)}";
        _files[id] = content;
        return Json(new JsonObject { ["id"] = id, ["object"] = "file", ["purpose"] = "batch", ["bytes"] = Encoding.UTF8.GetByteCount(content) });
    }

    private FakeReply Create(RecordedRequest request)
    {
        var json = JsonNode.Parse(request.Body)!;
        var fileId = json["input_file_id"]?.GetValue<string>() ?? "";
        if (!_files.TryGetValue(fileId, out var input) || json["endpoint"]?.GetValue<string>() != "/v1/chat/completions"
            || json["completion_window"]?.GetValue<string>() != "24h")
        {
            return new FakeReply(400, """{"error":{"message":"bad batch"}}""");
        }
        var fault = CreateFault(_createCalls++);
        if (fault is { Created: false } refused)
        {
            return new FakeReply(refused.Status, """{"error":{"message":"scripted create failure"}}""");
        }
        var lines = input.Split('\n', StringSplitOptions.RemoveEmptyEntries).Select(l => JsonNode.Parse(l)!.AsObject()).ToList();
        var index = _batchIds;
        var batch = new Batch($"batch_{index}", index, fileId, lines, Plan(index));
        _batchIds++;
        _batches[batch.Id] = batch;
        foreach (var line in lines)
        {
            var id = line["custom_id"]!.GetValue<string>();
            _submitted.Enqueue(id);
            SubmittedBodies[id] = line["body"]!.ToJsonString();
        }
        FirstBatchCreated.TrySetResult();
        OnCreated?.Invoke();
        return fault is { } lost ? new FakeReply(lost.Status, """{"error":{"message":"scripted lost answer"}}""") : Json(batch.Json());
    }

    private FakeReply Poll(string id)
    {
        if (!_batches.TryGetValue(id, out var batch))
        {
            return NotFound("batch");
        }
        FirstPolled.TrySetResult();
        if (batch.Status == "in_progress" && !Hold && batch.Polls++ >= batch.Plan.PendingPolls)
        {
            Finish(batch);
        }
        return Json(batch.Json());
    }

    /// <summary>Answers the batch's requests with the chat script and writes its output and error files.</summary>
    private void Finish(Batch batch)
    {
        var answering = batch.Plan.End is "completed" ? batch.Lines.Count : batch.Plan.End is "failed" ? 0 : batch.Plan.AnswerFirst;
        var output = new StringBuilder();
        var errors = new StringBuilder();
        foreach (var line in batch.Lines.Take(answering))
        {
            var customId = line["custom_id"]!.GetValue<string>();
            var body = line["body"]!.ToJsonString();
            var reply = chat(new RecordedRequest("POST", "/v1/chat/completions", new Dictionary<string, string>(), body));
            var status = reply.Drop ? 500 : reply.Status;
            JsonNode? answer;
            try
            {
                answer = JsonNode.Parse(reply.Body);
            }
            catch (System.Text.Json.JsonException)
            {
                answer = JsonValue.Create(reply.Body);
            }
            var result = new JsonObject
            {
                ["id"] = $"batch_req_{Guid.NewGuid():N}",
                ["custom_id"] = customId,
                ["response"] = new JsonObject { ["status_code"] = status, ["request_id"] = Guid.NewGuid().ToString("N"), ["body"] = answer },
                ["error"] = null,
            };
            (status == 200 ? output : errors).Append(result.ToJsonString()).Append('\n');
        }
        foreach (var extra in batch.Plan.ExtraOutputLines)
        {
            output.Append(extra).Append('\n');
        }
        if (output.Length > 0)
        {
            batch.OutputFileId = $"file-{Interlocked.Increment(ref _fileIds)}";
            _files[batch.OutputFileId] = output.ToString();
        }
        if (errors.Length > 0)
        {
            batch.ErrorFileId = $"file-{Interlocked.Increment(ref _fileIds)}";
            _files[batch.ErrorFileId] = errors.ToString();
        }
        batch.Completed = answering;
        batch.Status = batch.Plan.End;
    }

    private static FakeReply Json(JsonObject json) => new(200, json.ToJsonString());

    private static FakeReply NotFound(string what) => new(404, "{\"error\":{\"message\":\"no such " + what + "\"}}");

    private sealed class Batch(string id, int index, string inputFileId, List<JsonObject> lines, FakeBatchPlan plan)
    {
        public string Id => id;
        public int Index => index;
        public List<JsonObject> Lines => lines;
        public FakeBatchPlan Plan => plan;
        public int Polls { get; set; }
        public string Status { get; set; } = "in_progress";
        public string? OutputFileId { get; set; }
        public string? ErrorFileId { get; set; }
        public int Completed { get; set; }

        public JsonObject Json() => new()
        {
            ["id"] = id,
            ["object"] = "batch",
            ["endpoint"] = "/v1/chat/completions",
            ["input_file_id"] = inputFileId,
            ["completion_window"] = "24h",
            ["status"] = Status,
            ["output_file_id"] = OutputFileId,
            ["error_file_id"] = ErrorFileId,
            ["errors"] = Status == "failed"
                ? new JsonObject { ["object"] = "list", ["data"] = new JsonArray(new JsonObject { ["code"] = "scripted", ["message"] = plan.FailureMessage }) }
                : null,
            ["request_counts"] = new JsonObject { ["total"] = lines.Count, ["completed"] = Completed, ["failed"] = 0 },
        };
    }

    [GeneratedRegex("^/files/([^/]+)/content$")]
    private static partial Regex FileContent();

    [GeneratedRegex("boundary=\"?([^\";]+)\"?")]
    private static partial Regex Boundary();
}
