namespace Scheme.Compiler.Tests.Fuzz;

/// <summary>
/// Folders and files on disk for the emitter fuzz test: their names hold hostile characters (Linux allows all but
/// '/' and NUL), and so do the contents of the files that suites load, use as rubrics or import.
/// </summary>
internal sealed class FuzzFiles : IDisposable
{
    public sealed record Folder(string FullPath, IReadOnlyList<(string Name, string Content)> DataFiles, string ImportName, string ImportedCheckpoint);

    /// <summary>
    /// Folders whose names C# can hold in a #line directive (<see cref="Hostile"/>) and folders whose names it cannot
    /// (<see cref="Unwritable"/>). The files they hold, which are loaded and never named in a directive, have names
    /// with anything Linux allows; the imported .scheme file, which is named in one, has a name of its folder's kind.
    /// </summary>
    public FuzzFiles(int seed, int folders)
    {
        Root = Directory.CreateTempSubdirectory("scheme-emit-fuzz-").FullName;
        var random = new Random(seed);
        var text = new HostileText(random);
        Plain = Create("plain", [("data0.txt", "plain data"), ("data1.txt", "plain rubric")], "lib.scheme", 0);
        for (var k = 1; k <= folders; k++)
        {
            var writable = k % 4 != 0;
            var files = Enumerable.Range(0, 3).Select(j => (text.FileName($"f{j}", inLineDirectives: random.Next(2) == 0), text.Value(onDisk: true, maxPieces: 12))).ToList();
            var folder = Create(text.FileName($"d{k}", writable), files, text.FileName("lib", writable) + ".scheme", k);
            (writable ? Hostile : Unwritable).Add(folder);
        }
    }

    public List<Folder> Unwritable { get; } = [];

    public string Root { get; }

    public Folder Plain { get; }

    public List<Folder> Hostile { get; } = [];

    private Folder Create(string name, List<(string, string)> files, string import, int k)
    {
        var folder = Path.Combine(Root, name);
        Directory.CreateDirectory(folder);
        foreach (var (file, content) in files)
        {
            File.WriteAllText(Path.Combine(folder, file), content);
        }
        var checkpoint = $"imported{k}";
        File.WriteAllText(Path.Combine(folder, import), $"checkpoint {checkpoint} {{ provider: simulated capabilities: [tools, reasoning_prefill] }}\n");
        return new Folder(folder, files, import, checkpoint);
    }

    public void Dispose() => Directory.Delete(Root, recursive: true);
}
