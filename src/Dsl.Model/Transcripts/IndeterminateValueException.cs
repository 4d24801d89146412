namespace Scheme.Model;

/// <summary>
/// A grader read an outcome that could not be decided for this unit (for example because a detector's regular
/// expression timed out on what the model wrote): the grader cannot be decided either. Never a unit failure: the
/// unit is stored with the outcome or metric marked indeterminate or missing, and analyses count it apart.
/// </summary>
public sealed class IndeterminateValueException(string outcome, string reason)
    : Exception($"outcome '{outcome}' is indeterminate ({reason})")
{
    public string Outcome => outcome;

    public string Reason => reason;
}
