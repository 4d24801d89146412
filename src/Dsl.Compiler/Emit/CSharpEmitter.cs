using System.Collections.Concurrent;
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
/// Emits one C# file per .scheme file through Scriban templates: SchemeFile.scriban lays out the file, and each
/// declaration's initializer is its kind's template (Spec.scriban ... Experiment.scriban) given that kind's model
/// (DefinitionModels). Templates own every line of C# a reader sees; this class only chooses which template gets
/// which values. Output depends only on the input (no time stamps, no absolute paths unless the input paths were
/// absolute), so builds are reproducible.
/// </summary>
public sealed class CSharpEmitter(SemanticModel model, EmitOptions options, IReadOnlyList<KindEmission> kinds)
{
    private static readonly ConcurrentDictionary<string, Template> Templates = new(StringComparer.Ordinal);
    private readonly Dictionary<DeclarationKind, KindEmission> _kinds = kinds.ToDictionary(k => k.Kind);

    public IReadOnlyList<GeneratedFile> Emit()
    {
        var classNames = ClassNames();
        return model.Units.Select(unit => EmitFile(unit, classNames)).ToList();
    }

    private GeneratedFile EmitFile(CompilationUnitSyntax unit, IReadOnlyDictionary<string, string> classNames)
    {
        var lines = new LineMap(unit.File, options.AbsoluteLinePaths);
        var context = NewContext();
        var className = classNames[unit.File.Path];
        var declarations = new List<object>();
        foreach (var symbol in model.DeclaredIn(unit).Where(s => s is not ExperimentSymbol))
        {
            var kind = _kinds.TryGetValue(symbol.Declaration.Kind, out var k)
                ? k
                : throw new InvalidOperationException($"The table of declaration kinds says nothing of how to emit a {symbol.KindName}.");
            declarations.Add(new
            {
                kind = char.ToUpperInvariant(symbol.KindName[0]) + symbol.KindName[1..],
                name = symbol.Name,
                identifier = Identifier(symbol.Name),
                line = lines.Line(symbol.Declaration),
                line_directive = lines.Directive(symbol.Declaration),
                type = kind.RuntimeType,
                initializer = Render(context, kind.Template, kind.Model(symbol, lines)),
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
                initializer = Render(context, "Experiment.scriban", ExperimentModel(e, classNames)),
            }
            : null;

        var content = Render(context, "SchemeFile.scriban", new
        {
            compiler_version = CommentText(options.CompilerVersion),
            source_path = CommentText(unit.File.Path),
            source_name = DocText(Path.GetFileName(unit.File.Path)),
            @namespace = options.Namespace,
            class_name = className,
            declarations,
            partial_methods = PartialMethods(unit),
            experiment,
            entry_point = options.GenerateEntryPoint,
        });
        return new GeneratedFile(unit.File.Path, Path.GetFileName(unit.File.Path) + ".g.cs", content + "\n");
    }

    /// <summary>The experiment's lists, one per kind in the table's order, then what belongs to the whole suite.</summary>
    private object ExperimentModel(ExperimentSymbol experiment, IReadOnlyDictionary<string, string> classNames) => new
    {
        name = experiment.Name,
        title = experiment.Title,
        seed = experiment.Seed,
        version = experiment.Version,
        description = experiment.Description,
        lists = kinds.Select(kind => new
        {
            property = kind.ExperimentList,
            references = model.Declarations.Where(s => s.Declaration.Kind == kind.Kind)
                .Select(s => $"{classNames[s.File.Path]}.{Identifier(s.Name)}").ToList(),
        }).ToList(),
        simulation = model.Simulation.Select(v => new
        {
            scenario = v.Scenario,
            metric = v.Metric,
            cell = v.Cell,
            value = v.Value,
            distribution = v.Distribution is { } d ? new { kind = d.Kind, first = d.First, second = d.Second } : null,
        }).ToList(),
        judges = model.Judges.Select(judge => new
        {
            line_directive = new LineMap(judge.File, options.AbsoluteLinePaths).Directive(judge.Syntax),
            id = judge.Id,
            owner_kind = judge.Owner.Kind.ToString(),
            owner_name = judge.Owner.Name,
            owner_environment = judge.Owner.Environment,
            checkpoint = judge.Checkpoint,
            question = judge.Question,
            rubric = judge.RubricText,
            rubric_path = judge.RubricPath,
            target = judge.Target is null
                ? $"static t => t.{judge.DefaultTarget switch { TranscriptValue.Answer => "Answer", TranscriptValue.Sentence => "Sentence", _ => "Text" }}"
                : ExpressionEmitter.Lambda(judge.Target),
        }).ToList(),
        preregistration = PreregistrationEmitter.Parts(model, kinds, options.CSharpImplementations).Select(p => new { name = p.Name, hash = p.Hash, canonical = p.Canonical }).ToList(),
    };

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
        // Tools after the csharp() methods: their signatures differ, so the file's shape must not depend on how names sort.
        var tools = new SortedDictionary<string, object>(StringComparer.Ordinal);
        foreach (var tool in model.DeclaredIn(unit).OfType<EnvironmentSymbol>().SelectMany(e => e.Tools).Where(t => !t.IsBuiltin))
        {
            tools.TryAdd(ToolMethodName(tool.Name), new
            {
                summary = DocText($"Implement in C#: runs a call of the tool '{tool.Name}' on the episode's workspace (and sandbox) and returns what the model sees."),
                line_directive = lines.Directive(tool.Syntax),
                signature = $"string {ToolMethodName(tool.Name)}(ToolCall call, ToolContext context)",
            });
        }
        return [.. methods.Values, .. tools.Values];
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

    /// <summary>One static class per file, named after the file (suite.scheme -> SuiteScheme).</summary>
    private Dictionary<string, string> ClassNames() =>
        GeneratedNames.FileClasses(model.Units.Select(u => u.File.Path), model.Experiment?.Name);

    /// <summary>
    /// One context per file: the cs.* functions stay pushed while each template's values are pushed and popped.
    /// Scriban's defaults protect a renderer of untrusted templates: 1,000 loop iterations and values cut at 1 MB. Our
    /// templates are trusted and their input is the whole suite, so a limit here would only stop a large suite or
    /// silently cut a large loaded file. None, and never cut without an error.
    /// </summary>
    private static TemplateContext NewContext()
    {
        var context = new TemplateContext
        {
            MemberRenamer = m => m.Name,
            StrictVariables = true,
            LoopLimit = 0,
            LimitToString = 0,
            OutputLimit = null,
            OnStringLimit = ScriptLimitBehavior.Throw,
            OnOutputLimit = ScriptLimitBehavior.Throw,
        };
        context.PushGlobal(new ScriptObject { ["cs"] = TemplateFunctions.Create() });
        return context;
    }

    /// <summary>Renders a template with the values of one model; the text ends where the template's last line does.</summary>
    private static string Render(TemplateContext context, string template, object values)
    {
        var globals = new ScriptObject();
        globals.Import(values, renamer: m => m.Name);
        context.PushGlobal(globals);
        try
        {
            return Templates.GetOrAdd(template, LoadTemplate).Render(context).Replace("\r\n", "\n").TrimEnd('\n');
        }
        finally
        {
            context.PopGlobal();
        }
    }

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
