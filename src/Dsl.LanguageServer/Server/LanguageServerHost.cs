using System.Text.Json;
using System.Text.Json.Serialization;
using StreamJsonRpc;

namespace Scheme.LanguageServer.Server;

/// <summary>
/// Runs the server over a pair of streams (stdin and stdout for `scheme lsp`): LSP's header-delimited JSON-RPC, the
/// specification's camelCase names, absent optional fields left out. Returns the exit code when the client exits or
/// closes the stream.
/// </summary>
public static class LanguageServerHost
{
    public static async Task<int> RunAsync(Stream input, Stream output, TextWriter log)
    {
        var formatter = new SystemTextJsonFormatter();
        formatter.JsonSerializerOptions.PropertyNamingPolicy = JsonNamingPolicy.CamelCase;
        formatter.JsonSerializerOptions.DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull;
        formatter.JsonSerializerOptions.PropertyNameCaseInsensitive = true;
        var handler = new HeaderDelimitedMessageHandler(output, new ValidatingInputStream(input, log), formatter);
        JsonRpc? rpc = null;
        var server = new SchemeLanguageServer(async (method, parameters) =>
        {
            try
            {
                await rpc!.NotifyWithParameterObjectAsync(method, parameters);
            }
            catch (Exception e) when (e is ObjectDisposedException or ConnectionLostException or IOException)
            {
                // The client went away; the session ends with the connection.
            }
        });
        rpc = new JsonRpc(handler);
        // Protocol trouble (a message that cannot be read, a handler that failed) goes to the log, which is stderr:
        // clients show it in their output panel, and stdout stays the protocol's.
        rpc.TraceSource.Switch.Level = System.Diagnostics.SourceLevels.Warning;
        rpc.TraceSource.Listeners.Add(new System.Diagnostics.TextWriterTraceListener(log));
        rpc.AddLocalRpcTarget(server, new JsonRpcTargetOptions { UseSingleObjectParameterDeserialization = true });
        rpc.StartListening();
        await Task.WhenAny(server.Exited, rpc.Completion.ContinueWith(_ => { }, TaskScheduler.Default));
        log.Flush();
        rpc.Dispose();
        return server.ExitCode;
    }
}
