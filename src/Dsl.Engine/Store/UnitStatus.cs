
namespace Scheme.Engine.Store;

public enum UnitStatus
{
    /// <summary>Finished and graded; resume skips it.</summary>
    Done,

    /// <summary>Gave up after the engine's retries; resume runs it again.</summary>
    Failed,
}
