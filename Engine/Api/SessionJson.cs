using System.Text.Json;
using System.Text.Json.Serialization;

namespace Engine.Api;

/// <summary>
/// The session file's JSON code (<see cref="SessionEntry"/>), generated at build time: camelCase names, priorities as
/// numbers, indented — what reflection wrote before, so older files read as they did. Without reflection a NativeAOT
/// build of a host reads and writes them too (it lacked the converter for the priority list).
/// </summary>
[JsonSourceGenerationOptions(JsonSerializerDefaults.Web, WriteIndented = true)]
[JsonSerializable(typeof(SessionEntry))]
internal sealed partial class SessionJson : JsonSerializerContext;
