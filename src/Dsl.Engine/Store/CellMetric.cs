
namespace Scheme.Engine.Store;

/// <summary>A metric's mean over the done units of one cell that it counts.</summary>
public sealed record CellMetric(string Checkpoint, string Environment, string Condition, string Metric, long Units, double Mean);
