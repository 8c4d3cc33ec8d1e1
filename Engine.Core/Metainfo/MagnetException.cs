namespace Engine.Core.Metainfo;

/// <summary>A magnet link the engine cannot use; the message names the problem.</summary>
public sealed class MagnetException(string message) : FormatException(message);
