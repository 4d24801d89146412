using System.Diagnostics;
using System.Reflection;
using System.Text.Json;
using System.Text.Json.Serialization;
using Scheme.Model;

namespace Scheme.Analysis.Prereg;

/// <summary>One locked declaration: its name ("hypothesis H1"), hash, and canonical text where the compiler keeps one.</summary>
public sealed record LockedPart(string Name, string Hash, string? Canonical = null);

/// <summary>
/// The contents of <c>prereg.lock</c>: the preregistration fingerprints of an experiment at the moment the
/// researcher locked it. Researchers commit the file beside the experiment (every runner command finds it in the
/// experiment's project folder by default, or where <c>--lock</c> says), so the lock's history is in version control.
/// </summary>
/// <param name="Overall">The digest's overall hash; what a run manifest records.</param>
/// <param name="CompilerVersion">Version of the scheme toolchain (runtime and compiler ship together).</param>
/// <param name="GitCommit">HEAD of the repository holding the lock directory, when git can tell.</param>
public sealed record PreregistrationLock(
    int Format,
    string Experiment,
    string Overall,
    string CompilerVersion,
    string? GitCommit,
    DateTimeOffset LockedAt,
    IReadOnlyList<LockedPart> Parts)
{
    public const string FileName = "prereg.lock";
    public const int CurrentFormat = 1;

    private static readonly JsonSerializerOptions JsonOptions = new()
    {
        PropertyNamingPolicy = JsonNamingPolicy.SnakeCaseLower,
        WriteIndented = true,
        DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull,
        Encoder = System.Text.Encodings.Web.JavaScriptEncoder.UnsafeRelaxedJsonEscaping,
    };

    /// <exception cref="InvalidOperationException">The experiment was compiled without preregistration fingerprints.</exception>
    public static PreregistrationLock Create(ExperimentDefinition experiment, DateTimeOffset lockedAt, string? gitCommit, string? compilerVersion = null)
    {
        var digest = experiment.Preregistration
            ?? throw new InvalidOperationException($"Experiment {experiment.Name} was compiled without preregistration fingerprints; rebuild it with a current compiler.");
        return new PreregistrationLock(CurrentFormat, experiment.Name, digest.Overall, compilerVersion ?? ToolchainVersion(), gitCommit,
            lockedAt.ToUniversalTime(), digest.Parts.Select(p => new LockedPart(p.Name, p.Hash, p.Canonical)).ToList());
    }

    public static string PathIn(string directory) => Path.Combine(directory, FileName);

    /// <summary>Writes <c>prereg.lock</c> into <paramref name="directory"/> and returns its path.</summary>
    public string Write(string directory) => WriteTo(PathIn(directory));

    /// <summary>Writes the lock to the file <paramref name="path"/> (its folder created if needed), atomically, and returns the path.</summary>
    public string WriteTo(string path)
    {
        if (Path.GetDirectoryName(Path.GetFullPath(path)) is { } directory)
        {
            Directory.CreateDirectory(directory);
        }
        var temp = path + ".tmp";
        File.WriteAllText(temp, JsonSerializer.Serialize(this, JsonOptions) + "\n");
        File.Move(temp, path, overwrite: true);
        return path;
    }

    /// <summary>Reads a lock file (or the lock in a directory).</summary>
    /// <exception cref="InvalidDataException">Missing, unreadable or not a lock file; the message says which.</exception>
    public static PreregistrationLock Read(string fileOrDirectory)
    {
        var path = Directory.Exists(fileOrDirectory) ? PathIn(fileOrDirectory) : fileOrDirectory;
        if (!File.Exists(path))
        {
            throw new InvalidDataException($"No preregistration lock at {path}. Create one with 'prereg lock'.");
        }
        PreregistrationLock? result;
        try
        {
            result = JsonSerializer.Deserialize<PreregistrationLock>(File.ReadAllText(path), JsonOptions);
        }
        catch (JsonException e)
        {
            throw new InvalidDataException($"{path} is not a readable preregistration lock: {e.Message}", e);
        }
        if (result is null || result.Parts is null || string.IsNullOrEmpty(result.Overall) || string.IsNullOrEmpty(result.Experiment))
        {
            throw new InvalidDataException($"{path} is not a preregistration lock (missing experiment, overall or parts).");
        }
        if (result.Format > CurrentFormat)
        {
            throw new InvalidDataException($"{path} has lock format {result.Format}; this runtime reads up to {CurrentFormat}.");
        }
        return result;
    }

    /// <summary>
    /// The overall hash of the lock in <paramref name="directory"/>, or null if there is none or it is unreadable.
    /// For the engine: record it in the run manifest when a run starts.
    /// </summary>
    public static string? TryRead(string directory)
    {
        try
        {
            return Read(directory).Overall;
        }
        catch (InvalidDataException)
        {
            return null;
        }
    }

    /// <summary>HEAD of the git repository containing <paramref name="directory"/>; null without git or a repository.</summary>
    public static string? GitCommitOf(string directory)
    {
        try
        {
            using var git = Process.Start(new ProcessStartInfo("git", ["rev-parse", "HEAD"])
            {
                WorkingDirectory = directory,
                RedirectStandardOutput = true,
                RedirectStandardError = true,
                UseShellExecute = false,
            });
            if (git is null) return null;
            var output = git.StandardOutput.ReadToEnd().Trim();
            if (!git.WaitForExit(5000))
            {
                git.Kill();
                return null;
            }
            return git.ExitCode == 0 && output.Length >= 7 ? output : null;
        }
        catch (System.ComponentModel.Win32Exception)
        {
            return null;
        }
    }

    public static string ToolchainVersion() =>
        typeof(PreregistrationLock).Assembly.GetCustomAttribute<AssemblyInformationalVersionAttribute>()?.InformationalVersion ?? "0.0.0";
}
