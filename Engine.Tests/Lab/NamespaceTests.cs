using Engine.Tests.Interop;

namespace Engine.Tests.Lab;

/// <summary>
/// Base of a test class whose programs run in a network namespace of their own (<see cref="Ns"/>, made for each test:
/// clients that listen on every interface, a private DHT) beside a temporary directory (<see cref="Dir"/>). Both are
/// removed after each test, the namespace first (what runs in it was ended by the test's own disposals).
/// </summary>
public abstract class NamespaceTests(string dirName) : IDisposable
{
    protected TempDir Dir { get; } = new(dirName);
    protected NetNamespace Ns { get; } = NetNamespace.Create();

    public void Dispose()
    {
        Ns.Dispose();
        Dir.Dispose();
        GC.SuppressFinalize(this);
    }
}
