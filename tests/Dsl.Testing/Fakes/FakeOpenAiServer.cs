using System.Collections.Concurrent;
using System.Globalization;
using System.Net;
using System.Net.Sockets;
using System.Text;

namespace Scheme.Testing.Fakes;

/// <summary>
/// An OpenAI-compatible chat completions endpoint on 127.0.0.1 for tests: every request is recorded, and each
/// answer comes from a queue of <see cref="FakeReply"/> or, when the queue is empty, from <see cref="Handler"/>.
/// With neither, it answers 500 "no scripted reply" so that an unexpected request fails the test visibly.
/// </summary>
/// <remarks>
/// A minimal HTTP/1.1 server on a raw <see cref="TcpListener"/>: ASP.NET Core's test host is not available
/// offline, and HttpListener cannot drop a connection (its Abort still sends an empty 200), which is one of
/// the failures the provider must survive. Binding port 0 lets the OS pick a free port without a race.
/// </remarks>
public sealed class FakeOpenAiServer : IAsyncDisposable
{
    private readonly TcpListener _listener;
    private readonly ConcurrentQueue<FakeReply> _replies = new();
    private readonly ConcurrentQueue<RecordedRequest> _requests = new();
    private readonly CancellationTokenSource _stopping = new();
    private readonly ConcurrentBag<Task> _connections = [];
    private readonly Task _loop;
    private long _requestCount;

    private FakeOpenAiServer(IEnumerable<FakeReply> replies)
    {
        Enqueue([.. replies]);
        _listener = new TcpListener(IPAddress.Loopback, 0);
        _listener.Start();
        Port = ((IPEndPoint)_listener.LocalEndpoint).Port;
        _loop = Task.Run(AcceptLoop);
    }

    public int Port { get; }

    /// <summary>The base URL a client is configured with, as for api.openai.com/v1.</summary>
    public string BaseUrl => $"http://127.0.0.1:{Port}/v1";

    /// <summary>Whether requests are kept for <see cref="Requests"/>; off for floods, whose bodies would fill the test's memory.</summary>
    public bool RecordRequests { get; set; } = true;

    /// <summary>Requests served so far (recorded or not).</summary>
    public long RequestCount => Interlocked.Read(ref _requestCount);

    /// <summary>Answers requests when the queue is empty; may be swapped between phases of a test.</summary>
    public Func<RecordedRequest, FakeReply>? Handler { get; set; }

    public IReadOnlyList<RecordedRequest> Requests => _requests.ToList();

    public static FakeOpenAiServer Start(params FakeReply[] replies) => new(replies);

    public void Enqueue(params FakeReply[] replies)
    {
        foreach (var reply in replies)
        {
            _replies.Enqueue(reply);
        }
    }

    public async ValueTask DisposeAsync()
    {
        await _stopping.CancelAsync();
        _listener.Stop();
        await _loop.ConfigureAwait(false);
        await Task.WhenAll(_connections).ConfigureAwait(false);
        _stopping.Dispose();
    }

    private async Task AcceptLoop()
    {
        while (!_stopping.IsCancellationRequested)
        {
            TcpClient client;
            try
            {
                client = await _listener.AcceptTcpClientAsync(_stopping.Token).ConfigureAwait(false);
            }
            catch (Exception ex) when (ex is OperationCanceledException or SocketException or ObjectDisposedException)
            {
                return;
            }
            _connections.Add(Task.Run(() => Serve(client)));
        }
    }

    /// <summary>Serves requests on one keep-alive connection until the client closes it or a reply drops it.</summary>
    private async Task Serve(TcpClient client)
    {
        using var _ = client;
        // Without this, Nagle's algorithm meets the client's delayed ACK on every response and adds ~40 ms.
        client.NoDelay = true;
        try
        {
            var stream = client.GetStream();
            var reader = new HttpRequestReader(stream);
            while (await reader.ReadAsync(_stopping.Token).ConfigureAwait(false) is { } request)
            {
                Interlocked.Increment(ref _requestCount);
                if (RecordRequests)
                {
                    _requests.Enqueue(request);
                }
                var reply = _replies.TryDequeue(out var next) ? next
                    : Handler?.Invoke(request) ?? FakeReply.Error(500) with { Body = "{\"error\":{\"message\":\"no scripted reply\"}}" };
                if (reply.Delay is { } delay)
                {
                    await Task.Delay(delay, _stopping.Token).ConfigureAwait(false);
                }
                if (reply.Drop)
                {
                    client.Client.LingerState = new LingerOption(true, 0);
                    return;
                }
                await WriteAsync(stream, reply).ConfigureAwait(false);
            }
        }
        catch (Exception ex) when (ex is OperationCanceledException or IOException or SocketException or ObjectDisposedException)
        {
            // The server is stopping or the client went away (a timeout under test): nothing to answer.
        }
    }

    private async Task WriteAsync(NetworkStream stream, FakeReply reply)
    {
        var body = Encoding.UTF8.GetBytes(reply.Body);
        var head = new StringBuilder()
            .Append(CultureInfo.InvariantCulture, $"HTTP/1.1 {reply.Status} {Reason(reply.Status)}\r\n")
            .Append("Content-Type: application/json\r\n")
            .Append(CultureInfo.InvariantCulture, $"Content-Length: {body.Length}\r\n");
        foreach (var (name, value) in reply.Headers ?? new Dictionary<string, string>())
        {
            head.Append(CultureInfo.InvariantCulture, $"{name}: {value}\r\n");
        }
        head.Append("\r\n");
        // One write for head and body: one segment on the wire for small answers.
        var headBytes = Encoding.ASCII.GetBytes(head.ToString());
        var message = new byte[headBytes.Length + body.Length];
        headBytes.CopyTo(message, 0);
        body.CopyTo(message, headBytes.Length);
        await stream.WriteAsync(message, _stopping.Token).ConfigureAwait(false);
        await stream.FlushAsync(_stopping.Token).ConfigureAwait(false);
    }

    private static string Reason(int status) => status switch
    {
        200 => "OK",
        400 => "Bad Request",
        401 => "Unauthorized",
        429 => "Too Many Requests",
        500 => "Internal Server Error",
        503 => "Service Unavailable",
        _ => "Status",
    };
}
