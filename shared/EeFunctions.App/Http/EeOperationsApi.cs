using System.Globalization;
using System.Text.RegularExpressions;
using Microsoft.DurableTask.Client;
using EeFunctions.EarthEngine.Auth;
using EeFunctions.EarthEngine.Errors;
using EeFunctions.EarthEngine.Json;
using EeFunctions.EarthEngine.Models;
using EeFunctions.EarthEngine.Names;
using EeFunctions.App.EarthEngine;
using EeFunctions.App.Orchestrations;
using Microsoft.Extensions.Options;

namespace EeFunctions.App.Http;

/// <summary>Operations get, list (filter, pageSize, pageToken), cancel (cooperative), delete (forget a finished one), wait.</summary>
public sealed partial class EeOperationsApi(IOptions<EarthEngineOptions> options, ILogger<EeOperationsApi> logger)
{
    internal static async Task GetAsync(EeCall call)
    {
        await call.AuthorizeAsync(EePermissions.OperationsGet);
        var metadata = await FindAsync(call);
        await EarthEngineApi.WriteJsonAsync(call.Http, OperationView.From(metadata));
    }

    internal static async Task ListAsync(EeCall call)
    {
        await call.AuthorizeAsync(EePermissions.OperationsList);
        var query = call.Http.Request.Query;
        var pageSize = 50;
        if (query["pageSize"].FirstOrDefault() is { Length: > 0 } size)
        {
            if (!int.TryParse(size, NumberStyles.None, CultureInfo.InvariantCulture, out pageSize) || pageSize < 1)
            {
                throw new EarthEngineException(EeStatusCode.InvalidArgument, $"Invalid pageSize '{size}': expected a positive integer.");
            }

            pageSize = Math.Min(pageSize, 500);
        }

        var filter = ParseFilter(query["filter"].FirstOrDefault());
        var prefix = EeNames.InstancePrefixOf(call.Project);
        var token = query["pageToken"].FirstOrDefault() is { Length: > 0 } t ? t : null;
        var client = call.Durable;
        var operations = new List<Operation>();
        string? next = null;
        var pageable = client.GetAllInstancesAsync(new OrchestrationQuery { InstanceIdPrefix = prefix, PageSize = pageSize, ContinuationToken = token, FetchInputsAndOutputs = true });
        try
        {
            await foreach (var page in pageable.AsPages(token, pageSize).WithCancellation(call.Aborted))
            {
                foreach (var metadata in page.Values)
                {
                    // The prefix of project "abcdef" also matches "abcdef-x": keep only this project's ids.
                    if (EeNames.ParseInstanceId(metadata.InstanceId)?.Project == call.Project)
                    {
                        var operation = OperationView.From(metadata);
                        if (filter(operation))
                        {
                            operations.Add(operation);
                        }
                    }
                }

                next = page.ContinuationToken;
                if (operations.Count >= pageSize || string.IsNullOrEmpty(next))
                {
                    break;
                }
            }
        }
        catch (ArgumentException ex)
        {
            throw new EarthEngineException(EeStatusCode.InvalidArgument, $"Invalid pageToken: {ex.Message}");
        }

        await EarthEngineApi.WriteJsonAsync(call.Http, new ListOperationsResponse { Operations = operations, NextPageToken = string.IsNullOrEmpty(next) ? null : next });
    }

    internal async Task VerbAsync(EeCall call)
    {
        if (call.Group("verb") == "wait")
        {
            await WaitAsync(call);
            return;
        }

        await call.AuthorizeAsync(EePermissions.OperationsUpdate);
        await EeJson.DeserializeAsync<CancelOperationRequest>(call.Http.Request.Body, EarthEngineApi.MaxBodyBytes, call.Aborted);
        var metadata = await FindAsync(call);
        if (!metadata.IsCompleted)
        {
            Logs.CancelRequested(logger, metadata.InstanceId);
            var client = call.Durable;
            await client.RaiseEventAsync(metadata.InstanceId, ImportImageOrchestrator.CancelEvent, null, call.Aborted);
            await AwaitCancellingAsync(client, metadata.InstanceId, call.Aborted);
        }

        await EarthEngineApi.WriteAsync(call.Http, 200, "{}");
    }

    /// <summary>
    /// Waits (briefly) until the import has taken the cancel in, so an operations.get right after the cancel shows
    /// CANCELLING as Earth Engine's does; the cancel stands either way.
    /// </summary>
    private static async Task AwaitCancellingAsync(DurableTaskClient client, string instanceId, CancellationToken cancellationToken)
    {
        var deadline = DateTimeOffset.UtcNow.AddSeconds(5);
        while (DateTimeOffset.UtcNow < deadline)
        {
            var state = await client.GetInstanceAsync(instanceId, getInputsAndOutputs: true, cancellationToken);
            if (state is null || state.IsCompleted || OperationView.From(state).Metadata?.State == OperationState.Cancelling)
            {
                return;
            }

            await Task.Delay(100, cancellationToken);
        }
    }

    internal static async Task DeleteAsync(EeCall call)
    {
        await call.AuthorizeAsync(EePermissions.OperationsDelete);
        var metadata = await FindAsync(call);
        if (!metadata.IsCompleted)
        {
            throw new EarthEngineException(EeStatusCode.FailedPrecondition, $"Operation {call.Group("id")} is still running: cancel it and wait until it is done before deleting it.");
        }

        await call.Durable.PurgeInstanceAsync(metadata.InstanceId, call.Aborted);
        await EarthEngineApi.WriteAsync(call.Http, 200, "{}");
    }

    private async Task WaitAsync(EeCall call)
    {
        await call.AuthorizeAsync(EePermissions.OperationsGet);
        var request = await EeJson.DeserializeAsync<WaitOperationRequest>(call.Http.Request.Body, EarthEngineApi.MaxBodyBytes, call.Aborted);
        var metadata = await FindAsync(call);
        var max = options.Value.MaxWait;
        var timeout = request.Timeout is { } t && t < max ? t : max;
        if (!metadata.IsCompleted && timeout > TimeSpan.Zero)
        {
            using var cts = CancellationTokenSource.CreateLinkedTokenSource(call.Aborted);
            cts.CancelAfter(timeout);
            try
            {
                metadata = await call.Durable.WaitForInstanceCompletionAsync(metadata.InstanceId, getInputsAndOutputs: true, cts.Token);
            }
            catch (OperationCanceledException) when (!call.Aborted.IsCancellationRequested)
            {
                metadata = await FindAsync(call);
            }
        }

        await EarthEngineApi.WriteJsonAsync(call.Http, OperationView.From(metadata));
    }

    private static async Task<OrchestrationMetadata> FindAsync(EeCall call)
    {
        var id = call.Group("id");
        var name = EeNames.OperationName(call.Project, id);
        if (!EeNames.IsOperationId(id))
        {
            throw new EarthEngineException(EeStatusCode.NotFound, $"Operation {name} not found.");
        }

        return await call.Durable.GetInstanceAsync(EeNames.InstanceId(call.Project, id), getInputsAndOutputs: true, call.Aborted)
            ?? throw new EarthEngineException(EeStatusCode.NotFound, $"Operation {name} not found.");
    }

    /// <summary>Filters: <c>metadata.state = "RUNNING"</c> (or <c>state</c>), <c>done = true|false</c>, joined with AND.</summary>
    private static Func<Operation, bool> ParseFilter(string? filter)
    {
        if (string.IsNullOrWhiteSpace(filter))
        {
            return _ => true;
        }

        var predicates = new List<Func<Operation, bool>>();
        foreach (var term in AndPattern().Split(filter.Trim()))
        {
            var match = TermPattern().Match(term.Trim());
            if (!match.Success)
            {
                throw new EarthEngineException(EeStatusCode.InvalidArgument, $"Invalid filter '{filter}': supported terms are metadata.state = \"STATE\" and done = true|false, joined with AND.");
            }

            var value = match.Groups["value"].Value.Trim('"');
            if (match.Groups["field"].Value == "done")
            {
                var done = value.Equals("true", StringComparison.OrdinalIgnoreCase);
                predicates.Add(o => o.Done == done);
            }
            else
            {
                if (!Enum.TryParse<OperationState>(value, ignoreCase: true, out var state) || !Enum.IsDefined(state))
                {
                    throw new EarthEngineException(EeStatusCode.InvalidArgument, $"Invalid filter '{filter}': unknown state '{value}'.");
                }

                predicates.Add(o => o.Metadata?.State == state);
            }
        }

        return o => predicates.TrueForAll(p => p(o));
    }

    [GeneratedRegex(@"\s+AND\s+", RegexOptions.IgnoreCase)]
    private static partial Regex AndPattern();

    [GeneratedRegex("^(?<field>metadata\\.state|state|done)\\s*=\\s*(?<value>\"[A-Za-z_]+\"|[A-Za-z_]+)$")]
    private static partial Regex TermPattern();
}
