using Akka.Actor;
using Akka.Discovery.KubernetesApi;

namespace Engine.Cluster.Formation;

/// <summary>
/// Akka.Discovery.KubernetesApi's settings (<c>akka.discovery.kubernetes-api</c>: the service account's token and
/// certificate paths, the label selector <c>app={0}</c>), added under the system's own once, before its first look-up.
/// Its own type so that the package's assembly loads only when that method is used.
/// </summary>
internal static class KubernetesDefaults
{
    public static void Inject(ActorSystem system)
    {
        if (!system.Settings.Config.HasPath("akka.discovery.kubernetes-api.class"))
            system.Settings.InjectTopLevelFallback(KubernetesDiscovery.DefaultConfiguration());
    }
}
