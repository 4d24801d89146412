using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;
using Microsoft.CodeAnalysis.CSharp.Syntax;
using Microsoft.CodeAnalysis.Operations;

namespace Scheme.Cli.CSharpSources;

/// <summary>
/// What a declaration can run: every symbol its code names or calls, found two ways. Names (the syntax) give the
/// members written out; the bound operations (<see cref="SemanticModel.GetOperation"/>) give what C# calls without
/// naming it: user-defined operators and conversions, foreach's GetEnumerator/MoveNext/Current, Deconstruct, await's
/// GetAwaiter, a with-expression's clone, ToString reached through interpolation or string concatenation. A name that
/// does not bind (a type of a reference the build did not pass, a typo the C# compiler will refuse) is followed to
/// every same-named member of the sources: too much is safe, too little would let an edit pass unseen.
/// </summary>
internal sealed class CSharpReach(CSharpCompilation compilation)
{
    private Dictionary<string, List<ISymbol>>? _byName;
    private Dictionary<ISymbol, List<ISymbol>>? _overriders;
    private List<INamedTypeSymbol>? _types;

    /// <summary>The symbols a declaration reaches, each with the syntax that reached it (for a warning's position).</summary>
    public IEnumerable<(ISymbol Symbol, SyntaxNode At)> Reached(SemanticModel model, SyntaxNode declaration)
    {
        // A type is looked at without its members: they are followed one by one where they are used.
        // (An enum is printed whole, so its members' values are looked at too.)
        bool Into(SyntaxNode n) => n == declaration || !(declaration is TypeDeclarationSyntax && n is MemberDeclarationSyntax);
        foreach (var node in declaration.DescendantNodesAndSelf(Into))
        {
            foreach (var symbol in Named(model, node))
            {
                yield return (symbol, node);
            }
        }
        // Operation trees start at bodies and initializers; one walk from each outermost one sees all inside it.
        foreach (var root in declaration.DescendantNodesAndSelf(n => Into(n) && (n == declaration || !IsOperationRoot(n))).Where(IsOperationRoot))
        {
            if (model.GetOperation(root) is not { } operation)
            {
                continue;
            }
            foreach (var inner in operation.DescendantsAndSelf())
            {
                foreach (var symbol in Called(model, inner).OfType<ISymbol>())
                {
                    yield return (symbol, inner.Syntax);
                }
            }
        }
    }

    private static bool IsOperationRoot(SyntaxNode node) => node is BlockSyntax or ArrowExpressionClauseSyntax or EqualsValueClauseSyntax
        or ConstructorInitializerSyntax or PrimaryConstructorBaseTypeSyntax;

    /// <summary>The symbol a name binds to; all same-named members of the sources when it binds to nothing.</summary>
    private IEnumerable<ISymbol> Named(SemanticModel model, SyntaxNode node)
    {
        if (node is not (SimpleNameSyntax or BaseObjectCreationExpressionSyntax or ElementAccessExpressionSyntax or ConstructorInitializerSyntax))
        {
            return [];
        }
        var info = model.GetSymbolInfo(node);
        if (info.Symbol is { } symbol)
        {
            return [symbol];
        }
        if (info.CandidateSymbols.Length > 0)
        {
            return info.CandidateSymbols;
        }
        return node is SimpleNameSyntax name && ByName().TryGetValue(name.Identifier.ValueText, out var all) ? all : [];
    }

    /// <summary>What an operation calls, named or not.</summary>
    private IEnumerable<ISymbol?> Called(SemanticModel model, IOperation operation)
    {
        switch (operation)
        {
            case IInvocationOperation invocation:
                return [invocation.TargetMethod];
            case IObjectCreationOperation creation:
                return [creation.Constructor, creation.Type];
            case IBinaryOperation binary:
                return [binary.OperatorMethod, .. Concatenated(binary)];
            case IUnaryOperation unary:
                return [unary.OperatorMethod];
            case ICompoundAssignmentOperation compound:
                return [compound.OperatorMethod, compound.InConversion.MethodSymbol, compound.OutConversion.MethodSymbol];
            case IIncrementOrDecrementOperation increment:
                return [increment.OperatorMethod];
            case IConversionOperation conversion:
                return [conversion.OperatorMethod];
            case IMemberReferenceOperation member:
                return [member.Member];
            case IForEachLoopOperation { Syntax: CommonForEachStatementSyntax loop }:
                var each = model.GetForEachStatementInfo(loop);
                var deconstructed = loop is ForEachVariableStatementSyntax variables ? Deconstructs(model.GetDeconstructionInfo(variables)) : [];
                return [each.GetEnumeratorMethod, each.MoveNextMethod, each.CurrentProperty, each.DisposeMethod, each.ElementConversion.MethodSymbol, .. deconstructed];
            case IDeconstructionAssignmentOperation { Syntax: AssignmentExpressionSyntax assignment }:
                return Deconstructs(model.GetDeconstructionInfo(assignment));
            case IRecursivePatternOperation pattern:
                return [pattern.DeconstructSymbol];
            case IAwaitOperation { Syntax: AwaitExpressionSyntax awaited }:
                var info = model.GetAwaitExpressionInfo(awaited);
                return [info.GetAwaiterMethod, info.IsCompletedProperty, info.GetResultMethod];
            case IWithOperation with:
                return [with.CloneMethod];
            case ICollectionExpressionOperation collection:
                return [collection.ConstructMethod];
            case IInterpolationOperation interpolation:
                return Formatting(interpolation.Expression.Type);
            case IUsingOperation or IUsingDeclarationOperation:
                // The resource's Dispose runs at the end of the block; its type is found by the name walk or its creation.
                return [];
            default:
                return [];
        }
    }

    /// <summary>A value of the project's type joined to a string calls its ToString.</summary>
    private IEnumerable<ISymbol> Concatenated(IBinaryOperation binary) =>
        binary.OperatorKind == BinaryOperatorKind.Add && binary.Type?.SpecialType == SpecialType.System_String
            ? Formatting(Unconverted(binary.LeftOperand).Type).Concat(Formatting(Unconverted(binary.RightOperand).Type))
            : [];

    private static IOperation Unconverted(IOperation operation) => operation is IConversionOperation { IsImplicit: true } c ? c.Operand : operation;

    /// <summary>The formatting members (ToString, TryFormat) a value's type and every type of the sources deriving from it declare.</summary>
    private IEnumerable<ISymbol> Formatting(ITypeSymbol? type)
    {
        if (type is not INamedTypeSymbol named || !IsSource(named))
        {
            return [];
        }
        var derived = Types().Where(t => Inherits(t, named));
        return derived.SelectMany(t => t.GetMembers()).Where(m => m.Name is "ToString" or "TryFormat" or "PrintMembers");
    }

    private static bool Inherits(INamedTypeSymbol type, INamedTypeSymbol from)
    {
        var original = from.OriginalDefinition;
        for (var t = type; t is not null; t = t.BaseType)
        {
            if (SymbolEqualityComparer.Default.Equals(t.OriginalDefinition, original))
            {
                return true;
            }
        }
        return type.AllInterfaces.Any(i => SymbolEqualityComparer.Default.Equals(i.OriginalDefinition, original));
    }

    private static IEnumerable<ISymbol?> Deconstructs(DeconstructionInfo info) =>
        new ISymbol?[] { info.Method, info.Conversion?.MethodSymbol }.Concat(info.Nested.SelectMany(Deconstructs));

    /// <summary>Every member of the sources that overrides or implements a virtual, abstract or interface member: a call
    /// to it may run any of them.</summary>
    public IReadOnlyList<ISymbol> Overriders(ISymbol symbol)
    {
        if (_overriders is null)
        {
            _overriders = new(SymbolEqualityComparer.Default);
            foreach (var type in Types())
            {
                foreach (var member in type.GetMembers())
                {
                    for (var overridden = Overridden(member); overridden is not null; overridden = Overridden(overridden))
                    {
                        Add(overridden, member);
                    }
                }
                foreach (var contract in type.AllInterfaces.SelectMany(i => i.GetMembers()))
                {
                    if (type.FindImplementationForInterfaceMember(contract) is { } implementation && IsSource(implementation))
                    {
                        Add(contract, implementation);
                    }
                }
            }
        }
        return _overriders.TryGetValue(symbol.OriginalDefinition, out var found) ? found : [];

        void Add(ISymbol key, ISymbol member)
        {
            key = key.OriginalDefinition;
            if (!_overriders.TryGetValue(key, out var list))
            {
                _overriders[key] = list = [];
            }
            list.Add(member);
        }
    }

    private static ISymbol? Overridden(ISymbol member) => member switch
    {
        IMethodSymbol m => m.OverriddenMethod,
        IPropertySymbol p => p.OverriddenProperty,
        IEventSymbol e => e.OverriddenEvent,
        _ => null,
    };

    /// <summary>What runs when a type is first used or built: its static constructor and every initializer of its fields and properties.</summary>
    public static IEnumerable<ISymbol> Initialization(INamedTypeSymbol type) =>
        type.GetMembers().Where(m => m is IMethodSymbol { MethodKind: MethodKind.StaticConstructor }
            || m is IFieldSymbol { IsImplicitlyDeclared: false } or IPropertySymbol && m.DeclaringSyntaxReferences.Any(r => HasInitializer(r.GetSyntax())));

    private static bool HasInitializer(SyntaxNode node) => node switch
    {
        VariableDeclaratorSyntax { Initializer: not null } or PropertyDeclarationSyntax { Initializer: not null } => true,
        _ => false,
    };

    public static bool IsSource(ISymbol symbol) => symbol.Locations.Any(l => l.IsInSource);

    public IReadOnlyList<INamedTypeSymbol> Types()
    {
        if (_types is null)
        {
            _types = [];
            var pending = new Stack<INamespaceOrTypeSymbol>([compilation.Assembly.GlobalNamespace]);
            while (pending.TryPop(out var container))
            {
                foreach (var member in container.GetMembers())
                {
                    if (member is INamespaceSymbol ns)
                    {
                        pending.Push(ns);
                    }
                    else if (member is INamedTypeSymbol type)
                    {
                        _types.Add(type);
                        pending.Push(type);
                    }
                }
            }
        }
        return _types;
    }

    private Dictionary<string, List<ISymbol>> ByName()
    {
        if (_byName is null)
        {
            _byName = new(StringComparer.Ordinal);
            foreach (var symbol in Types().SelectMany(t => t.GetMembers().Where(m => !m.IsImplicitlyDeclared).Append(t)))
            {
                if (!_byName.TryGetValue(symbol.Name, out var list))
                {
                    _byName[symbol.Name] = list = [];
                }
                list.Add(symbol);
            }
        }
        return _byName;
    }
}
