namespace Engine.Core.Extensions;

/// <summary>A peer's BEP 10 extension message is malformed; the message names the problem. Extensions' own errors derive from it.</summary>
internal class ExtensionException(string message) : Exception(message);
