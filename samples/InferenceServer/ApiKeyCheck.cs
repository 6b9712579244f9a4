using System.Security.Cryptography;
using System.Text;

namespace InferenceServer;

/// <summary>
/// TEI's optional API key: every route but <c>/health</c> and <c>/metrics</c> needs <c>Authorization: Bearer &lt;key&gt;</c>.
/// The comparison takes the same time whatever the sent value (SHA-256 of both sides, then
/// <see cref="CryptographicOperations.FixedTimeEquals"/>), and neither the key nor the header is ever logged.
/// </summary>
internal sealed class ApiKeyCheck(string apiKey)
{
    private readonly byte[] _expected = SHA256.HashData(Encoding.UTF8.GetBytes("Bearer " + apiKey));

    public static bool IsPublic(PathString path) =>
        path.Equals("/health", StringComparison.OrdinalIgnoreCase) || path.Equals("/metrics", StringComparison.OrdinalIgnoreCase);

    public bool IsAuthorized(HttpRequest request)
    {
        string sent = request.Headers.Authorization.ToString();
        return CryptographicOperations.FixedTimeEquals(SHA256.HashData(Encoding.UTF8.GetBytes(sent)), _expected);
    }

    public async Task InvokeAsync(HttpContext context, Func<Task> next)
    {
        if (IsPublic(context.Request.Path) || IsAuthorized(context.Request))
        {
            await next();
            return;
        }
        context.Response.Headers.WWWAuthenticate = "Bearer";
        await TeiError.Problem(StatusCodes.Status401Unauthorized, "unauthorized", "A valid `Authorization: Bearer <api key>` header is required")
            .ExecuteAsync(context);
    }
}
