using Scheme.Runtime.Model;

namespace Scheme.Runtime.Engine;

/// <summary>
/// Last line of defence for API keys: replaces the value of every key variable the experiment names in text
/// about to be written to the store, an export or the console. Providers already keep keys out of their
/// messages; this catches what they cannot foresee (an SDK or proxy echoing a header into an error body, a
/// model repeating a key it was somehow shown).
/// </summary>
public sealed class SecretScrubber
{
    public const string Mask = "[redacted]";

    private readonly string[] _secrets;

    public SecretScrubber(IEnumerable<string> secrets)
    {
        // Very short values would mask ordinary words; real keys are long.
        _secrets = secrets.Where(s => s.Length >= 8).Distinct(StringComparer.Ordinal).OrderByDescending(s => s.Length).ToArray();
    }

    public static SecretScrubber For(ExperimentDefinition experiment, Func<string, string?>? readVariable = null)
    {
        readVariable ??= Environment.GetEnvironmentVariable;
        var names = experiment.Checkpoints.Select(c => c.ApiKeyVariable).Append("OPENAI_API_KEY").Distinct(StringComparer.Ordinal);
        return new SecretScrubber(names.Select(readVariable).OfType<string>());
    }

    public string? Scrub(string? text)
    {
        if (text is null || _secrets.Length == 0)
        {
            return text;
        }
        foreach (var secret in _secrets)
        {
            if (text.Contains(secret, StringComparison.Ordinal))
            {
                text = text.Replace(secret, Mask, StringComparison.Ordinal);
            }
        }
        return text;
    }
}
