using System.IO.Pipelines;
using System.Text;
using System.Text.Json.Nodes;
using Scheme.LanguageServer.Server;
using Xunit.Abstractions;

namespace Scheme.LanguageServer.Tests;

/// <summary>
/// The server over its real transport (LSP's Content-Length framing on a pair of streams, as on stdin and stdout) fed
/// hostile bytes: a body that is not JSON, a request for a method that does not exist, parameters of the wrong shape.
/// Each gets an answer or is skipped, and the server goes on answering; only `exit` ends it.
/// </summary>
public sealed class WireTests(ITestOutputHelper output) : IDisposable
{
    private readonly StringWriter Log = new();

    public void Dispose() => output.WriteLine(Log.ToString());

    [Fact]
    public async Task Malformed_messages_get_errors_and_the_server_keeps_answering()
    {
        var toServer = new Pipe();
        var fromServer = new Pipe();
        var run = Task.Run(() => LanguageServerHost.RunAsync(toServer.Reader.AsStream(), fromServer.Writer.AsStream(), Log));
        var reader = new MessageReader(fromServer.Reader.AsStream());

        await Send(toServer, """{"jsonrpc":"2.0","id":1,"method":"initialize","params":{"capabilities":{}}}""");
        Assert.NotNull((await reader.ResponseTo(1))["result"]?["capabilities"]);
        await Send(toServer, """{"jsonrpc":"2.0","id":2,"method":"no/such/method","params":{}}""");
        Assert.Equal(-32601, (await reader.ResponseTo(2))["error"]!["code"]!.GetValue<int>());
        await Send(toServer, """{"jsonrpc":"2.0","id":3,"method":"textDocument/hover","params":{"textDocument":{"uri":42},"position":null}}""");
        Assert.NotNull((await reader.ResponseTo(3))["error"]);
        await Send(toServer, """{"jsonrpc":"2.0","id":4,"method":"textDocument/hover","params":{"textDocument":{"uri":"untitled:1"},"position":{"line":0,"character":0}}}""");
        Assert.Null((await reader.ResponseTo(4))["result"]); // an untitled buffer: nothing to say, no error
        await Send(toServer, """{"jsonrpc":"2.0","id":5,"method":"textDocument/didOpen","params":"not an object"}""");
        Assert.Equal(-32600, (await reader.ResponseTo(5))["error"]!["code"]!.GetValue<int>());
        await Send(toServer, """{"jsonrpc":"2.0","id":[1],"method":"initialize"}""");
        await Send(toServer, """[1, 2, 3]""");
        await Send(toServer, """{"jsonrpc":"2.0","id":7,"method":"textDocument/rename","params":{"textDocument":{"uri":"file:///nowhere/x.scheme"},"position":{"line":0,"character":0},"newName":"x"}}""");
        Assert.Equal(-32803, (await reader.ResponseTo(7))["error"]!["code"]!.GetValue<int>());
        await Send(toServer, """{"jsonrpc":"2.0","method":"textDocument/didChange","params":{"textDocument":{"uri":"file:///nowhere/x.scheme","version":1},"contentChanges":[{"text":"x"}]}}""");
        await Send(toServer, """{"jsonrpc":"2.0","id":6,"method":"shutdown"}""");
        Assert.True((await reader.ResponseTo(6)).ContainsKey("result"));
        await Send(toServer, """{"jsonrpc":"2.0","method":"exit"}""");

        Assert.Equal(0, await run.WaitAsync(TimeSpan.FromSeconds(30)));
    }

    [Fact]
    public async Task A_body_that_is_not_json_ends_nothing_but_that_message()
    {
        var toServer = new Pipe();
        var fromServer = new Pipe();
        var run = Task.Run(() => LanguageServerHost.RunAsync(toServer.Reader.AsStream(), fromServer.Writer.AsStream(), Log));
        var reader = new MessageReader(fromServer.Reader.AsStream());

        await Send(toServer, "{ this is not json");
        await Send(toServer, """{"jsonrpc":"2.0","id":1,"method":"shutdown"}""");
        var answer = await reader.ResponseTo(1).WaitAsync(TimeSpan.FromSeconds(30));
        Assert.True(answer.ContainsKey("result"));
        await Send(toServer, """{"jsonrpc":"2.0","method":"exit"}""");
        Assert.Equal(0, await run.WaitAsync(TimeSpan.FromSeconds(30)));
    }

    private static async Task Send(Pipe pipe, string body)
    {
        var bytes = Encoding.UTF8.GetBytes(body);
        await pipe.Writer.WriteAsync(Encoding.ASCII.GetBytes($"Content-Length: {bytes.Length}\r\n\r\n"));
        await pipe.Writer.WriteAsync(bytes);
    }

    /// <summary>Reads framed messages, skipping notifications, until the response with an id.</summary>
    private sealed class MessageReader(Stream stream)
    {
        public async Task<JsonObject> ResponseTo(int id)
        {
            while (true)
            {
                var message = await Next();
                if (message["id"]?.GetValue<int>() == id)
                {
                    return message;
                }
            }
        }

        private async Task<JsonObject> Next()
        {
            var length = 0;
            while (true)
            {
                var line = await ReadLine();
                if (line.Length == 0)
                {
                    break;
                }
                if (line.StartsWith("Content-Length:", StringComparison.OrdinalIgnoreCase))
                {
                    length = int.Parse(line["Content-Length:".Length..].Trim(), System.Globalization.CultureInfo.InvariantCulture);
                }
            }
            var body = new byte[length];
            await stream.ReadExactlyAsync(body);
            return JsonNode.Parse(body)!.AsObject();
        }

        private async Task<string> ReadLine()
        {
            var line = new StringBuilder();
            var one = new byte[1];
            while (true)
            {
                await stream.ReadExactlyAsync(one);
                if (one[0] == '\n')
                {
                    return line.ToString().TrimEnd('\r');
                }
                line.Append((char)one[0]);
            }
        }
    }
}
