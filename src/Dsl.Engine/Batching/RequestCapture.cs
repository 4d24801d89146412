using System.Net;
using System.Runtime.CompilerServices;
using System.Text;

namespace Scheme.Engine.Batching;

/// <summary>
/// The transport of a <see cref="BatchTarget.Reader"/>: nothing goes to the network. A request made inside
/// <see cref="CaptureAsync"/> has its body (the exact JSON the SDK would POST to /v1/chat/completions) handed back,
/// and is answered with a placeholder completion the caller discards. Using the SDK itself to write the body keeps a
/// batched request byte for byte the live one (tools, tool_choice, seed, reasoning effort, vLLM's extensions).
/// </summary>
internal sealed class RequestCapture : HttpMessageHandler
{
    private static readonly AsyncLocal<StrongBox<string?>?> Slot = new();

    private const string Placeholder =
        """{"id":"capture","object":"chat.completion","created":0,"model":"capture","choices":[{"index":0,"message":{"role":"assistant","content":""},"finish_reason":"stop"}]}""";

    /// <summary>Runs <paramref name="send"/> and returns the body of the request it made.</summary>
    public static async Task<string> CaptureAsync(Func<Task> send)
    {
        var box = new StrongBox<string?>();
        Slot.Value = box;
        await send().ConfigureAwait(false);
        return box.Value ?? throw new InvalidOperationException("The SDK sent no request to capture.");
    }

    protected override async Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
    {
        var body = request.Content is null ? "" : await request.Content.ReadAsStringAsync(cancellationToken).ConfigureAwait(false);
        if (Slot.Value is { } box)
        {
            box.Value = body;
        }
        return new HttpResponseMessage(HttpStatusCode.OK)
        {
            Content = new StringContent(Placeholder, Encoding.UTF8, "application/json"),
            RequestMessage = request,
        };
    }
}
