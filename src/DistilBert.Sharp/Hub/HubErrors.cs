using System.Net;

namespace DistilBert.Sharp.Hub;

/// <summary>
/// Turns a Hub error response into an exception whose message says what went wrong and how to fix it. The Hub's
/// <c>X-Error-Code</c> header (RepoNotFound, RevisionNotFound, EntryNotFound, GatedRepo) refines the status code.
/// The token is never part of a message: only whether one was sent.
/// </summary>
internal static class HubErrors
{
    public static HubException FromResponse(HttpResponseMessage response, string repoId, string file, string revision,
        string endpoint, bool tokenSent)
    {
        string? code = Header(response, "X-Error-Code");
        int status = (int)response.StatusCode;
        string where = $"'{file}' of '{repoId}' at revision '{revision}' on {endpoint}";
        string tokenHint = tokenSent
            ? "The access token that was sent (HF_TOKEN or HubOptions.Token) was rejected or has no access to this repository."
            : "If the repository is gated or private, accept its terms on the Hub and set HF_TOKEN (or HubOptions.Token) to an access token with read access.";
        switch (response.StatusCode)
        {
            case HttpStatusCode.Unauthorized:
            case HttpStatusCode.Forbidden:
                string kind = code == "GatedRepo" ? "the repository is gated" : "access was denied";
                return new HubAuthenticationException(
                    $"Cannot download {where}: {kind} (HTTP {status}). The repository may be gated, private, or not exist. {tokenHint}")
                { StatusCode = response.StatusCode };
            case HttpStatusCode.NotFound:
                return code switch
                {
                    "RepoNotFound" => new HubNotFoundException($"Repository '{repoId}' was not found on {endpoint} (HTTP 404). Check the id. {tokenHint}")
                    { StatusCode = response.StatusCode },
                    "RevisionNotFound" => new HubNotFoundException($"Revision '{revision}' of '{repoId}' was not found on {endpoint} (HTTP 404).")
                    { StatusCode = response.StatusCode },
                    _ => new HubNotFoundException($"File '{file}' was not found in repository '{repoId}' at revision '{revision}' on {endpoint} (HTTP 404).")
                    { StatusCode = response.StatusCode, IsEntryNotFound = true },
                };
            default:
                return new HubException($"Cannot download {where}: HTTP {status} {response.ReasonPhrase}.") { StatusCode = response.StatusCode };
        }
    }

    public static string? Header(HttpResponseMessage response, string name)
    {
        if (response.Headers.TryGetValues(name, out var values) || response.Content.Headers.TryGetValues(name, out values))
        {
            string? first = values.FirstOrDefault();
            return string.IsNullOrWhiteSpace(first) ? null : first.Trim();
        }
        return null;
    }
}
