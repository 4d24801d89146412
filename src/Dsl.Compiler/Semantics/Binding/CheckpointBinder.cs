using Scheme.Compiler.Diagnostics;
using Scheme.Compiler.Semantics.Symbols;
using Scheme.Compiler.Syntax;
using Scheme.Contracts;

namespace Scheme.Compiler.Semantics.Binding;

public sealed class CheckpointBinder(CheckpointSymbol symbol, BinderContext context) : DeclarationBinder<CheckpointSymbol>(symbol, context)
{
    /// <summary>In passes: every checkpoint's own settings, then every base, then cycles, then what inheritance must supply.</summary>
    public static void BindAll(IReadOnlyList<CheckpointSymbol> symbols, BindingScope scope)
    {
        var binders = symbols.Select(c => new CheckpointBinder(c, scope.ContextOf(c))).ToList();
        binders.ForEach(b => b.Bind());
        binders.ForEach(b => b.ResolveBase());
        binders.ForEach(b => b.CheckCycle());
        binders.ForEach(b => b.CheckRequired());
        binders.ForEach(b => b.CheckReasoningFormat());
    }

    private static readonly IReadOnlyList<string> Providers = ProviderKinds.Declarable;
    private static readonly IReadOnlyList<string> KnownCapabilities = Contracts.Capabilities.All;
    public static readonly string[] ReasoningEfforts = ["minimal", "low", "medium", "high"];

    public void Bind()
    {
        Symbol.Written = Members(Described)
            .Property("provider", p => Choice(p, Providers, (word, suggestion) => Diagnose.UnknownProvider(word, Providers, suggestion)))
            .Property("model", p => Set(p, Constants.String(p)))
            .Property("base_url", BaseUrl)
            .Property("reasoning_effort", p => Choice(p, ReasoningEfforts,
                (word, suggestion) => Diagnose.InvalidChoice(word, "reasoning_effort", ReasoningEfforts, suggestion)))
            .Property("reasoning_format", p => Choice(p, ReasoningFormats.Names,
                (word, suggestion) => Diagnose.InvalidChoice(word, "reasoning_format", ReasoningFormats.Names, suggestion)))
            .Property("temperature", Temperature)
            .Property("top_p", TopP)
            .Property("max_tokens", p => Set(p, Constants.PositiveInteger(p, Diagnose.NotPositive)))
            .Property("seed", p => Set(p, Constants.Integer(p)))
            .Property("api_key_env", ApiKeyVariable)
            .Property("description", p => Set(p, Constants.String(p)))
            .Property("capabilities", ReadCapabilities)
            .Read();
    }

    /// <summary>Resolves <c>extends</c>; run for every checkpoint before cycles are checked.</summary>
    public void ResolveBase()
    {
        if (Symbol.Declaration.BaseName is { IsMissing: false } baseName)
        {
            Symbol.Base = Context.Declarations.Resolve<CheckpointSymbol>(baseName, Diagnose.UnknownCheckpoint, Context);
        }
    }

    /// <summary>Reports a cycle once, at the first checkpoint (in source order) that closes it.</summary>
    public bool CheckCycle()
    {
        var path = new List<CheckpointSymbol>();
        for (var c = Symbol; c is not null; c = c.Base)
        {
            if (path.Contains(c))
            {
                if (ReferenceEquals(c, Symbol))
                {
                    var names = path.Select(p => p.Name).Append(c.Name);
                    Context.Report(Symbol.Declaration.BaseName!.Span, Diagnose.ExtendsCycle("checkpoint", names));
                    Symbol.Base = null;
                }
                return false;
            }
            path.Add(c);
        }
        return true;
    }

    /// <summary>After inheritance a checkpoint must say where to send requests.</summary>
    public void CheckRequired()
    {
        if (Symbol.Declaration.BaseName is { IsMissing: false } && Symbol.Base is null)
        {
            return;
        }
        if (Symbol.WritesAnywhere("provider") && Symbol.Setting("provider") is null)
        {
            return;
        }
        if (Symbol.Setting("provider") is null)
        {
            Context.Report(Symbol.Declaration.Name.Span, Diagnose.MissingProperty(Described, "provider",
                $"Set provider: {string.Join(" or ", Providers)}, or extend a checkpoint that does."));
        }
        else if (Symbol.Setting("provider") is ProviderKinds.OpenAi && Symbol.Setting("model") is null)
        {
            Context.Report(Symbol.Declaration.Name.Span, Diagnose.MissingProperty(Described, "model",
                "An openai checkpoint needs the model name the endpoint serves, e.g. model: \"o3-2025-04-16\"."));
        }
    }

    /// <summary>
    /// The rules of the checkpoint's reasoning format, after inheritance (<see cref="ReasoningFormats"/>): the capabilities
    /// every request needs (harmony: raw_completions) and the reasoning efforts it can express. Reported where this
    /// checkpoint writes one of the settings involved; a child that changes none of them shares its base's error.
    /// </summary>
    public void CheckReasoningFormat()
    {
        if (ReasoningFormats.Find((string?)Symbol.Setting("reasoning_format")) is not { } format)
        {
            return;
        }
        var own = Symbol.Declaration.Members.OfType<PropertySyntax>()
            .Where(p => p.Name.Text is "reasoning_format" or "capabilities" or "reasoning_effort")
            .GroupBy(p => p.Name.Text, StringComparer.Ordinal)
            .ToDictionary(g => g.Key, g => g.First(), StringComparer.Ordinal);
        if (own.Count == 0)
        {
            return;
        }
        if (!Symbol.CapabilitiesIncomplete)
        {
            var at = own.GetValueOrDefault("capabilities") ?? own.GetValueOrDefault("reasoning_format");
            foreach (var missing in format.Requires.Where(c => !Symbol.Capabilities.Contains(c)))
            {
                if (at is not null)
                {
                    Context.Report(at.Value.Span, Diagnose.ReasoningFormatNeedsCapability(Symbol.Name, format.Name, missing));
                }
            }
        }
        if (format.ReasoningEfforts is { } efforts && Symbol.Setting("reasoning_effort") is string effort && !efforts.Contains(effort)
            && (own.GetValueOrDefault("reasoning_effort") ?? own.GetValueOrDefault("reasoning_format")) is { } where)
        {
            Context.Report(where.Value.Span, Diagnose.EffortNotInFormat(effort, format.Name, efforts));
        }
    }

    private void Set(PropertySyntax property, object? value)
    {
        if (value is not null)
        {
            Symbol.OwnSettings[property.Name.Text] = value;
        }
    }

    /// <param name="unknown">The error for a word that is not one of the choices, given the word and a did-you-mean.</param>
    private void Choice(PropertySyntax property, IReadOnlyList<string> choices, Func<string, string, DiagnosticMessage> unknown)
    {
        if (Constants.Word(property) is not { } word)
        {
            return;
        }
        if (!choices.Contains(word))
        {
            Context.Report(property.Value.Span, unknown(word, NameSuggester.Suggest(word, choices)));
            return;
        }
        Symbol.OwnSettings[property.Name.Text] = word;
    }

    private void BaseUrl(PropertySyntax property)
    {
        if (Constants.String(property) is not { } url)
        {
            return;
        }
        if (!Uri.TryCreate(url, UriKind.Absolute, out var uri) || uri.Scheme is not ("http" or "https"))
        {
            Context.Report(property.Value.Span, Diagnose.InvalidBaseUrl(url));
            return;
        }
        Symbol.OwnSettings["base_url"] = url;
    }

    private void Temperature(PropertySyntax property) => SetInRange(property, 2, Diagnose.TemperatureOutOfRange);

    private void TopP(PropertySyntax property) =>
        SetInRange(property, 1, (name, value) => Diagnose.ProbabilityOutOfRange(name, ConstantReader.Format(value)));

    /// <summary>A number between 0 and <paramref name="max"/>; <paramref name="outOfRange"/> is given the property name and the value.</summary>
    private void SetInRange(PropertySyntax property, double max, Func<string, double, DiagnosticMessage> outOfRange)
    {
        if (Constants.Number(property) is not { } value)
        {
            return;
        }
        if (value < 0 || value > max)
        {
            Context.Report(property.Value.Span, outOfRange(property.Name.Text, value));
            return;
        }
        Symbol.OwnSettings[property.Name.Text] = value;
    }

    /// <summary>The name of the environment variable with the key; the key itself never appears in a suite.</summary>
    private void ApiKeyVariable(PropertySyntax property)
    {
        if (Constants.String(property) is not { } name)
        {
            return;
        }
        if (!GeneratedNames.IsIdentifier(name))
        {
            Context.Report(property.Value.Span, Diagnose.InvalidApiKeyVariable(name));
            return;
        }
        Symbol.OwnSettings["api_key_env"] = name;
    }

    private void ReadCapabilities(PropertySyntax property)
    {
        Symbol.DeclaresCapabilities = true;
        var seen = new HashSet<string>(StringComparer.Ordinal);
        foreach (var (word, syntax) in Constants.WordList(property))
        {
            if (!KnownCapabilities.Contains(word))
            {
                Symbol.OwnCapabilitiesInvalid = true;
                Context.Report(syntax.Span, Diagnose.UnknownCapability(word, KnownCapabilities, NameSuggester.Suggest(word, KnownCapabilities)));
            }
            else if (!seen.Add(word))
            {
                Context.Report(syntax.Span, Diagnose.DuplicateListEntry(word, "capabilities"));
            }
            else
            {
                Symbol.OwnCapabilities.Add(word);
            }
        }
    }
}
