
namespace Scheme.Engine.Episodes;

/// <summary>Why the agent loop stopped.</summary>
public enum EpisodeEnd
{
    /// <summary>The model called submit.</summary>
    Submitted,

    /// <summary>The model answered without calling a tool: its message is the final answer.</summary>
    Answered,

    /// <summary>The environment's max_turns ran out while the model was still calling tools.</summary>
    MaxTurns,

    /// <summary>The conversation reached the environment's max_transcript_bytes while the model was still calling tools.</summary>
    TranscriptLimit,

    /// <summary>No episode ran: the simulated provider drew the outcomes from the experiment's simulate block.</summary>
    Simulated,
}
