using Engine.Core.Primitives;

namespace Engine.Sharing;

/// <summary>One torrent of a shared directory as it is persisted between runs (<see cref="ShareIndex"/>).</summary>
/// <param name="Downloading">Still being fetched (resumed at the next start).</param>
/// <param name="Signature">Size and write time when it was shared; null for a fetched file not yet seen complete by a scan.</param>
/// <param name="Local">Made here (we publish it) rather than fetched.</param>
internal sealed record ShareRecord(string Name, InfoHash InfoHash, bool Downloading, FileSignature? Signature, bool Local, bool Published);
