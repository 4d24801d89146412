namespace Scheme.Editors.Tests;

/// <summary>
/// Runs the extension's package script once for all tests: it installs the pinned npm packages into
/// src/editors/vscode/node_modules (gitignored; a no-op when they match package-lock.json) and builds the .vsix.
/// The tokenizer tests then load vscode-textmate and vscode-oniguruma from there.
/// </summary>
public sealed class ExtensionFixture : IDisposable
{
    private readonly string work = Directory.CreateTempSubdirectory("scheme-vsix-").FullName;

    public ExtensionFixture()
    {
        Vsix = Path.Combine(work, "scheme-dsl.vsix");
        Package = ChildProcess.Run("bash", [Path.Combine(Repository.Extension, "package.sh"), "--out", Vsix], work,
            timeout: TimeSpan.FromMinutes(5));
        if (!File.Exists(Path.Combine(Modules, "vscode-textmate", "package.json")))
        {
            throw new InvalidOperationException($"package.sh did not install the npm packages into {Modules}:\n{Package}");
        }
    }

    public string Modules { get; } = Path.Combine(Repository.Extension, "node_modules");

    public string Vsix { get; }

    /// <summary>What package.sh printed and its exit code.</summary>
    public ProcessResult Package { get; }

    public void Dispose() => Directory.Delete(work, recursive: true);
}

[CollectionDefinition("extension")]
public sealed class ExtensionCollection : ICollectionFixture<ExtensionFixture>;
