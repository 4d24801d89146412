
namespace Scheme.Engine.Design;

/// <summary>
/// One sample of the design: a checkpoint on one environment variant under one condition, at one epoch.
/// The id and seed derive only from these coordinates, so they are stable across machines and reruns,
/// and the same sample under different conditions shares everything but the condition (pairing).
/// </summary>
public sealed record WorkUnit(
    string Id,
    string Run,
    string Checkpoint,
    string Environment,
    string Variant,
    IReadOnlyDictionary<string, object> Params,
    string Condition,
    int Epoch,
    long Seed);
