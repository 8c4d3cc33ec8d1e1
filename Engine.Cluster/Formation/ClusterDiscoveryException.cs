namespace Engine.Cluster.Formation;

/// <summary>A node looked for its cluster through service discovery for as long as it was told and found or formed none; the message says why in one line.</summary>
public sealed class ClusterDiscoveryException(string message) : Exception(message);
