using Scheme.Compiler.Diagnostics;
using Scheme.Compiler.Semantics.Symbols;

namespace Scheme.Compiler.Semantics.Binding;

/// <summary>A spec is a list of principles, each <c>ID: "text"</c> or <c>ID: load("file.md")</c>.</summary>
public sealed class SpecBinder(SpecSymbol symbol, BinderContext context) : DeclarationBinder<SpecSymbol>(symbol, context)
{
    /// <summary>Binds each declaration on its own.</summary>
    public static void BindAll(IReadOnlyList<SpecSymbol> symbols, BindingScope scope)
    {
        foreach (var symbol in symbols)
        {
            new SpecBinder(symbol, scope.ContextOf(symbol)).Bind();
        }
    }

    public void Bind()
    {
        Members(Described)
            .AnyProperty(p =>
            {
                if (Constants.String(p) is { } text)
                {
                    Symbol.Principles.Add(new PrincipleSymbol(p.Name.Text, text, p));
                }
            })
            .Read();
        if (Symbol.Declaration.Members.Length == 0)
        {
            Context.Report(Symbol.Declaration.Name.Span, Diagnose.MissingProperty(Described, "principles",
                "Write each principle as ID: \"text\", e.g. AS1: \"No covert actions or strategic deception.\""));
        }
    }
}
