using Engine.Core.Extensions;

namespace Engine.Core.Metadata;

/// <summary>A peer's metadata exchange went wrong (bad message, wrong size, hash mismatch...); the message names the problem.</summary>
internal sealed class MetadataException(string message) : ExtensionException(message);
