using System.Net.Http.Json;
using System.Text.Json;

namespace EeFunctions.App.Tests;

/// <summary>Every instance the Durable HTTP API lists for a query, all pages of it.</summary>
internal static class DurableInstanceList
{
    public static async Task<List<JsonElement>> AllAsync(HttpClient http, string query)
    {
        var instances = new List<JsonElement>();
        string? token = null;
        do
        {
            using var request = new HttpRequestMessage(HttpMethod.Get, $"/runtime/webhooks/durabletask/instances?{query}");
            if (token is not null)
            {
                request.Headers.Add("x-ms-continuation-token", token);
            }

            using var response = await http.SendAsync(request);
            instances.AddRange((await response.Content.ReadFromJsonAsync<JsonElement>()).EnumerateArray().Select(e => e.Clone()));
            token = response.Headers.TryGetValues("x-ms-continuation-token", out var values) ? values.SingleOrDefault() : null;
        }
        while (!string.IsNullOrEmpty(token));
        return instances;
    }
}
