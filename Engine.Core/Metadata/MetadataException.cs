using Engine.Core.Extensions;

namespace Engine.Core.Metadata;

/// <summary>A peer's metadata exchange went wrong (bad message, wrong size, hash mismatch...); the message names the problem.</summary>
public sealed class MetadataException(string message) : ExtensionException(message);
