namespace Scheme.Engine.Store;

/// <summary>
/// run.db could not be written (a full disk, the file removed or made read-only): the run stops with this reason
/// (runner: <c>error SCH9070</c>), and the units of the group that was lost are run again by resume.
/// </summary>
public sealed class RunStoreWriteException(string message, Exception cause) : IOException(message, cause)
{
    /// <summary>The runner's diagnostic code for it.</summary>
    public const string Code = "SCH9070";
}
