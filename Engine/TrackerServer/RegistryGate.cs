namespace Engine.TrackerServer;

/// <summary>Serialises access to the (single-threaded) registry for the HTTP and UDP servers and supplies the clock.</summary>
internal sealed class RegistryGate(TrackerRegistry registry, TimeProvider time)
{
    private readonly Lock _lock = new();

    public TrackerRegistry Registry { get; } = registry;

    public DateTimeOffset Now => time.GetUtcNow();

    public T Run<T>(Func<TrackerRegistry, DateTimeOffset, T> action)
    {
        lock (_lock) return action(Registry, time.GetUtcNow());
    }
}
