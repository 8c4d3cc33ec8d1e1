using Mono.Cecil.Cil;
using Mono.Cecil;

namespace Engine.Tests.Architecture;

/// <summary>
/// Which folders of an assembly use which: a folder is a namespace one level below the assembly's root
/// (<c>Engine.Peers</c>, <c>Engine.Core.Pieces</c>); folder A uses folder B when a type of A mentions a type of B
/// anywhere — base types, fields, signatures, attributes, or the instructions of its methods. Read from the
/// compiled assembly with Mono.Cecil, so nothing the compiler saw is missed (and unused usings count for nothing).
/// </summary>
public sealed class FolderGraph
{
    private readonly string _root;

    public FolderGraph(string assemblyPath, string rootNamespace)
    {
        _root = rootNamespace;
        using var module = ModuleDefinition.ReadModule(assemblyPath);
        foreach (var type in module.GetTypes())
        {
            if (Folder(type) is not { } from) continue;
            Edges.TryAdd(from, new Dictionary<string, string>());
            foreach (var used in Mentions(type).SelectMany(Flatten))
                if (Folder(used) is { } to && to != from)
                    Edges[from].TryAdd(to, $"{type.FullName} uses {used.FullName}");
        }
    }

    /// <summary>Folder → the folders it uses, each with one example of why.</summary>
    public Dictionary<string, Dictionary<string, string>> Edges { get; } = new();

    /// <summary>The folder of a type of this assembly (its outermost type's namespace, first level under the root).</summary>
    private string? Folder(TypeReference type)
    {
        while (type.DeclaringType is not null) type = type.DeclaringType;
        if (type.Scope is not ModuleDefinition) return null; // a type of another assembly
        var ns = type.Namespace;
        if (!ns.StartsWith(_root + ".", StringComparison.Ordinal)) return null;
        var rest = ns[(_root.Length + 1)..];
        var dot = rest.IndexOf('.');
        return dot < 0 ? rest : rest[..dot];
    }

    /// <summary>Groups of folders that use each other in a circle (Tarjan's strongly connected components of size > 1).</summary>
    public List<List<string>> Cycles()
    {
        var index = new Dictionary<string, int>();
        var low = new Dictionary<string, int>();
        var stack = new Stack<string>();
        var onStack = new HashSet<string>();
        var result = new List<List<string>>();
        var counter = 0;
        void Visit(string v)
        {
            index[v] = low[v] = counter++;
            stack.Push(v);
            onStack.Add(v);
            foreach (var w in Edges.GetValueOrDefault(v)?.Keys ?? Enumerable.Empty<string>())
            {
                if (!index.ContainsKey(w)) { Visit(w); low[v] = Math.Min(low[v], low[w]); }
                else if (onStack.Contains(w)) low[v] = Math.Min(low[v], index[w]);
            }
            if (low[v] != index[v]) return;
            var component = new List<string>();
            string x;
            do { x = stack.Pop(); onStack.Remove(x); component.Add(x); } while (x != v);
            if (component.Count > 1) result.Add(component.OrderBy(c => c, StringComparer.Ordinal).ToList());
        }
        foreach (var v in Edges.Keys.OrderBy(k => k, StringComparer.Ordinal))
            if (!index.ContainsKey(v)) Visit(v);
        return result;
    }

    /// <summary>Explains a cycle: for each folder in it, why it uses the others in it.</summary>
    public string Explain(List<string> cycle) => string.Join("; ", cycle.SelectMany(a => cycle.Where(b => Edges.GetValueOrDefault(a)?.ContainsKey(b) == true)
        .Select(b => $"{a} -> {b} ({Edges[a][b]})")));

    /// <summary>A type and what it is made of: element types of arrays and pointers, generic arguments.</summary>
    private static IEnumerable<TypeReference> Flatten(TypeReference type)
    {
        yield return type;
        switch (type)
        {
            case GenericInstanceType g:
                yield return g.ElementType;
                foreach (var a in g.GenericArguments.SelectMany(Flatten)) yield return a;
                break;
            case TypeSpecification spec:
                foreach (var e in Flatten(spec.ElementType)) yield return e;
                break;
        }
    }

    private static IEnumerable<TypeReference> Mentions(TypeDefinition type)
    {
        if (type.BaseType is not null) yield return type.BaseType;
        foreach (var i in type.Interfaces) yield return i.InterfaceType;
        foreach (var a in type.CustomAttributes) yield return a.AttributeType;
        foreach (var f in type.Fields) yield return f.FieldType;
        foreach (var p in type.Properties) yield return p.PropertyType;
        foreach (var m in type.Methods)
        {
            yield return m.ReturnType;
            foreach (var p in m.Parameters) yield return p.ParameterType;
            if (!m.HasBody) continue;
            foreach (var v in m.Body.Variables) yield return v.VariableType;
            foreach (var ins in m.Body.Instructions)
                foreach (var t in Operand(ins)) yield return t;
        }
    }

    private static IEnumerable<TypeReference> Operand(Instruction ins)
    {
        switch (ins.Operand)
        {
            case TypeReference t: yield return t; break;
            case MethodReference m:
                yield return m.DeclaringType;
                yield return m.ReturnType;
                foreach (var p in m.Parameters) yield return p.ParameterType;
                if (m is GenericInstanceMethod g) foreach (var a in g.GenericArguments) yield return a;
                break;
            case FieldReference f:
                yield return f.DeclaringType;
                yield return f.FieldType;
                break;
        }
    }
}
