using System.Reflection;
using System.Text;
using Scheme.Compiler.Semantics;
using Scheme.Compiler.Semantics.Expressions;
using Scheme.Compiler.Semantics.Symbols;
using Scheme.Compiler.Syntax;
using Scriban;
using Scriban.Runtime;
using static Scheme.Compiler.Emit.CSharpLiterals;

namespace Scheme.Compiler.Emit;

/// <summary>
/// Emits one C# file per .scheme file through the SchemeFile Scriban template. The template owns the
/// layout a reader sees; this class prepares the pieces. Output depends only on the input (no time stamps,
/// no absolute paths unless the input paths were absolute), so builds are reproducible.
/// </summary>
public sealed class CSharpEmitter(SemanticModel model, EmitOptions options)
{
    private static readonly Lazy<Template> FileTemplate = new(() => LoadTemplate("SchemeFile.scriban"));

    public IReadOnlyList<GeneratedFile> Emit()
    {
        var classNames = ClassNames();
        return model.Units.Select(unit => EmitFile(unit, classNames)).ToList();
    }

    private GeneratedFile EmitFile(CompilationUnitSyntax unit, IReadOnlyDictionary<string, string> classNames)
    {
        var lines = new LineMap(unit.File, options.AbsoluteLinePaths);
        var emitter = new DeclarationEmitter(lines);
        var className = classNames[unit.File.Path];
        var declarations = new List<object>();
        foreach (var symbol in model.DeclaredIn(unit).Where(s => s is not ExperimentSymbol))
        {
            var (type, initializer) = symbol switch
            {
                SpecSymbol s => ("SpecDefinition", emitter.Spec(s)),
                CheckpointSymbol c => ("CheckpointDefinition", DeclarationEmitter.Checkpoint(c)),
                EnvironmentSymbol env => ("EnvironmentDefinition", emitter.Environment(env, ToolMethodName)),
                ManipulationSymbol m => ("ManipulationDefinition", emitter.Manipulation(m)),
                MetricSymbol m => ("MetricDefinition", emitter.Metric(m)),
                RunSymbol r => ("RunDefinition", DeclarationEmitter.Run(r)),
                HypothesisSymbol h => ("HypothesisDefinition", DeclarationEmitter.Hypothesis(h)),
                _ => throw new InvalidOperationException($"No emitter for {symbol.KindName}."),
            };
            declarations.Add(new
            {
                kind = char.ToUpperInvariant(symbol.KindName[0]) + symbol.KindName[1..],
                name = symbol.Name,
                identifier = Identifier(symbol.Name),
                line = lines.Line(symbol.Declaration),
                line_directive = lines.Directive(symbol.Declaration),
                type,
                initializer,
            });
        }

        var experiment = model.Experiment is { } e && ReferenceEquals(e.File, unit.File)
            ? new
            {
                name = e.Name,
                title = e.Title,
                title_xml = DocText(e.Title ?? ""),
                class_name = TypeIdentifier(e.Name),
                line_directive = lines.Directive(e.Declaration),
                initializer = ExperimentInitializer(e, classNames),
            }
            : null;

        var globals = new ScriptObject
        {
            ["compiler_version"] = CommentText(options.CompilerVersion),
            ["source_path"] = CommentText(unit.File.Path),
            ["source_name"] = DocText(Path.GetFileName(unit.File.Path)),
            ["namespace"] = options.Namespace,
            ["class_name"] = className,
            ["declarations"] = declarations,
            ["partial_methods"] = PartialMethods(unit),
            ["experiment"] = experiment,
            ["entry_point"] = options.GenerateEntryPoint,
        };
        var context = new TemplateContext
        {
            MemberRenamer = m => m.Name,
            StrictVariables = true,
            // Scriban's defaults protect a renderer of untrusted templates: 1,000 loop iterations and values cut
            // at 1 MB. Our one template is trusted and its input is the whole suite, so a limit here would only
            // stop a large suite or silently cut a large loaded file. None, and never cut without an error.
            LoopLimit = 0,
            LimitToString = 0,
            OutputLimit = null,
            OnStringLimit = ScriptLimitBehavior.Throw,
            OnOutputLimit = ScriptLimitBehavior.Throw,
        };
        context.PushGlobal(globals);
        var content = FileTemplate.Value.Render(context).Replace("\r\n", "\n");
        return new GeneratedFile(unit.File.Path, Path.GetFileName(unit.File.Path) + ".g.cs", content);
    }

    /// <summary>csharp("Method") declarations and C# tools of this file, each declared once.</summary>
    private List<object> PartialMethods(CompilationUnitSyntax unit)
    {
        var lines = new LineMap(unit.File, options.AbsoluteLinePaths);
        var methods = new SortedDictionary<string, object>(StringComparer.Ordinal);
        var expressions = model.DeclaredIn(unit).SelectMany(SemanticModel.ExpressionsOf);
        foreach (var call in expressions.SelectMany(BoundTreeWalker.Descendants).OfType<BoundCSharp>())
        {
            methods.TryAdd(call.Method, new
            {
                summary = DocText($"Implement in C#: called by csharp(\"{call.Method}\") at line {lines.Line(call.Syntax)}."),
                line_directive = lines.Directive(call.Syntax),
                signature = $"{ExpressionEmitter.CSharpType(call.Type)} {Identifier(call.Method)}(Transcript t)",
            });
        }
        foreach (var tool in model.DeclaredIn(unit).OfType<EnvironmentSymbol>().SelectMany(e => e.Tools).Where(t => !t.IsBuiltin))
        {
            methods.TryAdd(ToolMethodName(tool.Name), new
            {
                summary = DocText($"Implement in C#: runs a call of the tool '{tool.Name}' and returns what the model sees."),
                line_directive = lines.Directive(tool.Syntax),
                signature = $"string {ToolMethodName(tool.Name)}(ToolCall call)",
            });
        }
        return methods.Values.ToList();
    }

    /// <summary>
    /// Text for a // comment: any line break C# knows would end the comment early and make the rest code, so
    /// line breaks become spaces; controls, invisible format characters (bidi overrides could make the code read
    /// differently from what it is) and half surrogate pairs are shown as \uXXXX.
    /// </summary>
    private static string CommentText(string text)
    {
        var builder = new StringBuilder(text.Length);
        for (var i = 0; i < text.Length; i++)
        {
            var c = text[i];
            if (c is '\r' or '\n' or '\u0085' or '\u2028' or '\u2029')
            {
                builder.Append(' ');
            }
            else if (char.IsControl(c) || char.GetUnicodeCategory(c) == System.Globalization.UnicodeCategory.Format || c is '\uFFFE' or '\uFFFF'
                || (char.IsHighSurrogate(c) && (i + 1 >= text.Length || !char.IsLowSurrogate(text[i + 1])))
                || (char.IsLowSurrogate(c) && (i == 0 || !char.IsHighSurrogate(text[i - 1]))))
            {
                builder.Append("\\u").Append(((int)c).ToString("X4", System.Globalization.CultureInfo.InvariantCulture));
            }
            else
            {
                builder.Append(c);
            }
        }
        return builder.ToString();
    }

    /// <summary>Text for a /// documentation comment: comment-safe and XML-escaped, so a name or title is text, never markup.</summary>
    private static string DocText(string text) => CommentText(text.Replace("&", "&amp;").Replace("<", "&lt;").Replace(">", "&gt;"));

    private static string ToolMethodName(string tool) => GeneratedNames.ToolMethod(tool);

    private string ExperimentInitializer(ExperimentSymbol experiment, IReadOnlyDictionary<string, string> classNames)
    {
        const string indent = "        ";
        string Refs(IEnumerable<Symbol> symbols) => List(symbols.Select(s => $"{classNames[s.File.Path]}.{Identifier(s.Name)}"));
        var b = new StringBuilder("new(\n");
        b.Append(indent).Append("Name: ").Append(Quoted(experiment.Name)).Append(",\n");
        b.Append(indent).Append("Title: ").Append(Nullable(experiment.Title)).Append(",\n");
        b.Append(indent).Append("Seed: ").Append(experiment.Seed.ToString(System.Globalization.CultureInfo.InvariantCulture)).Append("L,\n");
        b.Append(indent).Append("Version: ").Append(Nullable(experiment.Version)).Append(",\n");
        b.Append(indent).Append("Description: ").Append(Nullable(experiment.Description)).Append(",\n");
        b.Append(indent).Append("Specs: ").Append(Refs(model.Specs)).Append(",\n");
        b.Append(indent).Append("Checkpoints: ").Append(Refs(model.Checkpoints)).Append(",\n");
        b.Append(indent).Append("Environments: ").Append(Refs(model.Environments)).Append(",\n");
        b.Append(indent).Append("Manipulations: ").Append(Refs(model.Manipulations)).Append(",\n");
        b.Append(indent).Append("Metrics: ").Append(Refs(model.Metrics)).Append(",\n");
        b.Append(indent).Append("Runs: ").Append(Refs(model.Runs)).Append(",\n");
        b.Append(indent).Append("Simulation:\n").Append(indent).Append("[\n");
        foreach (var value in model.Simulation)
        {
            b.Append(indent).Append("    new(").Append(Quoted(value.Scenario)).Append(", ").Append(Quoted(value.Metric)).Append(", ")
                .Append(DeclarationEmitter.Cell(value.Cell)).Append(", ").Append(Number(value.Value)).Append("),\n");
        }
        b.Append(indent).Append("],\n");
        b.Append(indent).Append("Hypotheses: ").Append(Refs(model.Hypotheses)).Append(",\n");
        b.Append(indent).Append("Judges:\n").Append(indent).Append("[\n");
        foreach (var judge in model.Judges)
        {
            var target = judge.Target is null
                ? $"static t => t.{judge.DefaultTarget switch { TranscriptValue.Answer => "Answer", TranscriptValue.Sentence => "Sentence", _ => "Text" }}"
                : ExpressionEmitter.Lambda(judge.Target);
            b.Append(new LineMap(judge.File, options.AbsoluteLinePaths).Directive(judge.Syntax)).Append('\n');
            b.Append(indent).Append("    new(").Append(Quoted(judge.Id)).Append(", ").Append(JudgeOwner(judge.Owner)).Append(", ").Append(Quoted(judge.Checkpoint))
                .Append(", Question: ").Append(Nullable(judge.Question))
                .Append(", Rubric: ").Append(judge.RubricText is null ? "null" : String(judge.RubricText))
                .Append(", RubricPath: ").Append(Nullable(judge.RubricPath))
                .Append(", Target: ").Append(target).Append("),\n");
            b.Append("#line default\n");
        }
        b.Append(indent).Append("],\n");
        b.Append(indent).Append("Preregistration: ").Append(PreregistrationEmitter.Initializer(model, indent)).Append(')');
        return b.ToString();
    }

    private static string JudgeOwner(JudgeOwnerSymbol owner) =>
        $"new JudgeOwner(JudgeOwnerKind.{owner.Kind}, {Quoted(owner.Name)}" + (owner.Environment is { } e ? $", {Quoted(e)})" : ")");

    /// <summary>One static class per file, named after the file (suite.scheme -> SuiteScheme).</summary>
    private Dictionary<string, string> ClassNames() =>
        GeneratedNames.FileClasses(model.Units.Select(u => u.File.Path), model.Experiment?.Name);

    private static Template LoadTemplate(string name)
    {
        using var stream = Assembly.GetExecutingAssembly().GetManifestResourceStream($"Scheme.Compiler.Emit.Templates.{name}")
            ?? throw new InvalidOperationException($"Template {name} is not embedded in the compiler.");
        using var reader = new StreamReader(stream);
        var template = Template.Parse(reader.ReadToEnd(), name);
        if (template.HasErrors)
        {
            throw new InvalidOperationException($"Template {name} is invalid: {string.Join("; ", template.Messages)}");
        }
        return template;
    }
}
