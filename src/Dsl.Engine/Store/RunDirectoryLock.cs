
namespace Scheme.Engine.Store;

/// <summary>
/// The exclusive claim of one runner on a run directory: two runners writing one directory would both run every
/// unit (paying the provider twice) and overwrite each other's rows and manifest.
/// </summary>
/// <remarks>
/// The claim is an OS file lock on <c>run.lock</c>, held by an open handle for the life of the runner. .NET takes
/// <c>FileShare.None</c> on Unix as an exclusive <c>flock</c> and on Windows as a sharing mode, and the OS
/// releases both when the process ends, however it ends: a SIGKILLed runner never leaves a stale lock behind, so
/// the file itself may stay in the directory.
/// </remarks>
public sealed class RunDirectoryLock : IDisposable
{
    public const string FileName = "run.lock";

    private readonly FileStream _handle;

    private RunDirectoryLock(FileStream handle) => _handle = handle;

    /// <summary>Claims the directory (creating it if needed), or returns null when another runner holds it.</summary>
    public static RunDirectoryLock? TryAcquire(string runDirectory)
    {
        Directory.CreateDirectory(runDirectory);
        var path = Path.Combine(runDirectory, FileName);
        try
        {
            return new RunDirectoryLock(new FileStream(path, FileMode.OpenOrCreate, FileAccess.ReadWrite, FileShare.None));
        }
        catch (IOException) when (File.Exists(path))
        {
            return null;
        }
    }

    public void Dispose() => _handle.Dispose();
}
