using System.Collections.Immutable;
using System.Text.Json;
using System.Text.Json.Serialization;
using Engine.Host.Web.Cluster;
using Engine.Host.Web.Ui;
using Microsoft.AspNetCore.Mvc;

namespace Engine.Host.Web.Rest;

/// <summary>
/// Every type the REST API reads or writes, with its JSON code generated at compile time (web defaults: camelCase). It is
/// the API's only resolver (<see cref="Use"/>): nothing is serialized by reflection, so the NativeAOT build, where that
/// reflection has no code, answers as the standard build does, and a type left out here fails every build's tests alike.
/// Endpoints answer concrete types (a list, not a LINQ query): the writer serializes the value's runtime type when it
/// differs from the declared one, and only the types listed here have code.
/// </summary>
[JsonSourceGenerationOptions(JsonSerializerDefaults.Web)]
[JsonSerializable(typeof(ImmutableList<TorrentRow>))]
[JsonSerializable(typeof(TorrentStatusView))]
[JsonSerializable(typeof(List<FileRow>))]
[JsonSerializable(typeof(List<PeerRow>))]
[JsonSerializable(typeof(List<TrackerRow>))]
[JsonSerializable(typeof(PiecesView))]
[JsonSerializable(typeof(FileRow))]
[JsonSerializable(typeof(EngineSettings))]
[JsonSerializable(typeof(AddTorrentBody))]
[JsonSerializable(typeof(TorrentApi.PriorityBody))]
[JsonSerializable(typeof(TorrentApi.LimitsBody))]
[JsonSerializable(typeof(TorrentApi.SettingsBody))]
[JsonSerializable(typeof(ClusterView))]
[JsonSerializable(typeof(List<NodeRow>))]
[JsonSerializable(typeof(List<ClusterTorrentRow>))]
[JsonSerializable(typeof(ClusterTorrentRow))]
[JsonSerializable(typeof(ClusterApi.AddClusterTorrentBody))]
[JsonSerializable(typeof(ClusterApi.CreatedHash))]
[JsonSerializable(typeof(IList<string>))] // Blazor's /_blazor/initializers (the page's JavaScript initializers) goes through these options too
[JsonSerializable(typeof(string[]))]
[JsonSerializable(typeof(List<string>))]
[JsonSerializable(typeof(ProblemDetails))]
[JsonSerializable(typeof(HttpValidationProblemDetails))]
internal sealed partial class RestJson : JsonSerializerContext
{
    /// <summary>Makes this context the HTTP JSON options' only resolver.</summary>
    public static void Use(IServiceCollection services) =>
        services.ConfigureHttpJsonOptions(o =>
        {
            o.SerializerOptions.TypeInfoResolverChain.Clear();
            o.SerializerOptions.TypeInfoResolverChain.Add(Default);
        });
}
