using System.CommandLine;
using System.Reflection;
using Scheme.Analysis.Prereg;

namespace Scheme.Runtime.Cli;

/// <summary>
/// Where <c>prereg.lock</c> is, found the same way by every command (<c>prereg lock</c>, <c>prereg verify</c>, <c>run</c>,
/// <c>resume</c>, <c>analyze</c>, <c>report</c>) wherever the runner is started: <c>--lock PATH</c> (a lock file, or a
/// folder holding one) when given, else beside the experiment's project. The build tells the runner its project folder
/// as assembly metadata (<see cref="MetadataKey"/>, from the MSBuild property <c>SchemeLockDirectory</c>, which defaults
/// to the project's folder); a runner built without it (hosted by other code, or GenerateAssemblyInfo off) uses the
/// current directory, as runners did before.
/// </summary>
public static class LockLocation
{
    /// <summary>The assembly metadata key the build writes the lock's folder under.</summary>
    public const string MetadataKey = "Scheme.LockDirectory";

    public const string OptionName = "--lock";

    /// <summary>The one option, the same on every command.</summary>
    /// <param name="dirAlias">Also accept <c>--dir</c>, what <c>prereg lock|verify</c> took before (kept for their scripts).</param>
    public static Option<string?> Option(string role, bool dirAlias = false) => new(OptionName, dirAlias ? ["--dir"] : [])
    {
        Description = $"The preregistration lock {role}: a prereg.lock file, or the folder holding it " +
            "(default: the experiment's project folder, wherever the runner is started).",
    };

    /// <summary>The folder the build recorded, or null. It is used even when it does not exist (yet): <c>prereg lock</c>
    /// creates it, and the other commands then report "no lock" there rather than look somewhere else.</summary>
    public static string? BuiltDirectory()
    {
        var recorded = Assembly.GetEntryAssembly()?.GetCustomAttributes<AssemblyMetadataAttribute>()
            .FirstOrDefault(a => a.Key == MetadataKey)?.Value;
        return string.IsNullOrWhiteSpace(recorded) ? null : recorded;
    }

    /// <summary>The lock file's full path: <paramref name="given"/> (a file, or a folder to hold prereg.lock), else the default.</summary>
    public static string Resolve(string? given)
    {
        if (given is null)
        {
            return Path.GetFullPath(PreregistrationLock.PathIn(BuiltDirectory() ?? Directory.GetCurrentDirectory()));
        }
        // A folder (existing, or a path that does not name a .lock file) holds prereg.lock; anything else is the file.
        var isFile = File.Exists(given) || (!Directory.Exists(given) && given.EndsWith(".lock", StringComparison.OrdinalIgnoreCase));
        return Path.GetFullPath(isFile ? given : PreregistrationLock.PathIn(given));
    }

    /// <summary>
    /// The lock an analysis reads (analyze, view): the one <paramref name="given"/> names, which must exist, else the
    /// default one when it exists; (null, null) when there is none. Writes the error and returns false for a lock that
    /// cannot be read.
    /// </summary>
    public static bool TryReadForAnalysis(string? given, TextWriter errors, out PreregistrationLock? locked, out string? path)
    {
        locked = null;
        path = Resolve(given);
        if (given is null && !File.Exists(path))
        {
            path = null;
            return true;
        }
        try
        {
            locked = PreregistrationLock.Read(path);
            return true;
        }
        catch (InvalidDataException e)
        {
            errors.WriteLine("error: " + e.Message);
            return false;
        }
    }
}
