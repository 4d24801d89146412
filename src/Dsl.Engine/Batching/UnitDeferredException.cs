namespace Scheme.Engine.Batching;

/// <summary>
/// Thrown by <see cref="BatchingChatProvider"/> when a unit needs an answer that is not in the response cache yet: its
/// request has been queued for the next batch. The engine leaves the unit unrecorded (neither done nor failed), and the
/// next round runs it again, from the cache, one step further.
/// </summary>
public sealed class UnitDeferredException() : Exception("The unit waits for a batched request.");
