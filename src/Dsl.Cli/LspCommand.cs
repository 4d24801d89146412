using System.CommandLine;
using Scheme.LanguageServer.Server;

namespace Scheme.Cli;

/// <summary><c>scheme lsp</c>: the language server over stdin and stdout, for editors (src/Dsl.LanguageServer/README.md).</summary>
internal static class LspCommand
{
    public static Command Create(TextWriter error)
    {
        var command = new Command("lsp", "Run the language server over stdin/stdout (LSP 3.17) for editors.");
        // stdout carries the protocol alone: nothing else may be written there while the server runs.
        command.SetAction(_ => LanguageServerHost.RunAsync(Console.OpenStandardInput(), Console.OpenStandardOutput(), error).GetAwaiter().GetResult());
        return command;
    }
}
