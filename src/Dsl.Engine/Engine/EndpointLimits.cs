
namespace Scheme.Engine;

/// <summary>
/// Limits applied to every request to one endpoint: concurrent requests, requests per minute and tokens per
/// minute (null means unlimited). Providers publish their quotas this way, per key and endpoint, so the
/// limits are per endpoint rather than per checkpoint: two checkpoints on one server share its quota.
/// </summary>
public sealed record EndpointLimits(int MaxConcurrentRequests = 16, int? RequestsPerMinute = null, int? TokensPerMinute = null);
