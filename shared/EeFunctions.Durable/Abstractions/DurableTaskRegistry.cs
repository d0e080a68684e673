using System.Reflection;
using Microsoft.Extensions.DependencyInjection;

namespace EeFunctions.Durable;

/// <summary>
/// The orchestrators and activities a worker can run, by name (case-insensitive). Registering a name twice is an error.
/// </summary>
public sealed class DurableTaskRegistry
{
    private readonly Dictionary<string, Func<IServiceProvider?, ITaskOrchestrator>> _orchestrators = new(StringComparer.OrdinalIgnoreCase);
    private readonly Dictionary<string, Func<IServiceProvider?, ITaskActivity>> _activities = new(StringComparer.OrdinalIgnoreCase);

    /// <summary>
    /// Registers an orchestrator class under its <see cref="DurableTaskAttribute"/> name or class name; one instance per run,
    /// created with constructor injection from the worker's service provider (or its parameterless constructor without one).
    /// </summary>
    public DurableTaskRegistry AddOrchestrator<TOrchestrator>()
        where TOrchestrator : class, ITaskOrchestrator =>
        AddOrchestrator(NameOf(typeof(TOrchestrator)), Create<TOrchestrator>);

    /// <summary>Registers an orchestrator created by <paramref name="factory"/> for each run.</summary>
    public DurableTaskRegistry AddOrchestrator(string name, Func<ITaskOrchestrator> factory)
    {
        ArgumentNullException.ThrowIfNull(factory);
        return AddOrchestrator(name, _ => factory());
    }

    /// <summary>Registers an orchestrator created from the service provider (null when the worker runs without DI).</summary>
    public DurableTaskRegistry AddOrchestrator(string name, Func<IServiceProvider?, ITaskOrchestrator> factory)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(name);
        ArgumentNullException.ThrowIfNull(factory);
        if (!_orchestrators.TryAdd(name, factory))
        {
            throw new ArgumentException($"An orchestrator named '{name}' is already registered.", nameof(name));
        }

        return this;
    }

    /// <summary>Registers a function-style orchestrator.</summary>
    public DurableTaskRegistry AddOrchestratorFunc<TInput, TOutput>(string name, Func<TaskOrchestrationContext, TInput, Task<TOutput>> implementation)
    {
        ArgumentNullException.ThrowIfNull(implementation);
        var orchestrator = new FuncOrchestrator<TInput, TOutput>(implementation);
        return AddOrchestrator(name, _ => orchestrator);
    }

    /// <summary>Registers a function-style orchestrator without input.</summary>
    public DurableTaskRegistry AddOrchestratorFunc<TOutput>(string name, Func<TaskOrchestrationContext, Task<TOutput>> implementation)
    {
        ArgumentNullException.ThrowIfNull(implementation);
        return AddOrchestratorFunc<object?, TOutput>(name, (context, _) => implementation(context));
    }

    /// <summary>Registers a function-style orchestrator without input or output.</summary>
    public DurableTaskRegistry AddOrchestratorFunc(string name, Func<TaskOrchestrationContext, Task> implementation)
    {
        ArgumentNullException.ThrowIfNull(implementation);
        return AddOrchestratorFunc<object?, object?>(name, async (context, _) =>
        {
            await implementation(context);
            return null;
        });
    }

    /// <summary>
    /// Registers an activity class under its <see cref="DurableTaskAttribute"/> name or class name; one instance per run,
    /// created with constructor injection from the worker's service provider (or its parameterless constructor without one).
    /// </summary>
    public DurableTaskRegistry AddActivity<TActivity>()
        where TActivity : class, ITaskActivity =>
        AddActivity(NameOf(typeof(TActivity)), Create<TActivity>);

    /// <summary>Registers an activity created from the service provider (null when the worker runs without DI).</summary>
    public DurableTaskRegistry AddActivity(string name, Func<IServiceProvider?, ITaskActivity> factory)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(name);
        ArgumentNullException.ThrowIfNull(factory);
        if (!_activities.TryAdd(name, factory))
        {
            throw new ArgumentException($"An activity named '{name}' is already registered.", nameof(name));
        }

        return this;
    }

    /// <summary>Registers a function-style activity.</summary>
    public DurableTaskRegistry AddActivityFunc<TInput, TOutput>(string name, Func<TaskActivityContext, TInput, Task<TOutput>> implementation)
    {
        ArgumentNullException.ThrowIfNull(implementation);
        var activity = new FuncActivity<TInput, TOutput>(implementation);
        return AddActivity(name, _ => activity);
    }

    /// <summary>Registers a synchronous function-style activity.</summary>
    public DurableTaskRegistry AddActivityFunc<TInput, TOutput>(string name, Func<TaskActivityContext, TInput, TOutput> implementation)
    {
        ArgumentNullException.ThrowIfNull(implementation);
        return AddActivityFunc<TInput, TOutput>(name, (context, input) => Task.FromResult(implementation(context, input)));
    }

    /// <summary>Registers a function-style activity without a result.</summary>
    public DurableTaskRegistry AddActivityFunc<TInput>(string name, Func<TaskActivityContext, TInput, Task> implementation)
    {
        ArgumentNullException.ThrowIfNull(implementation);
        return AddActivityFunc<TInput, object?>(name, async (context, input) =>
        {
            await implementation(context, input);
            return null;
        });
    }

    /// <summary>Whether an orchestrator named <paramref name="name"/> is registered (case-insensitive), e.g. to reject an unknown start up front.</summary>
    public bool ContainsOrchestrator(string name) => _orchestrators.ContainsKey(name);

    internal bool TryCreateOrchestrator(string name, IServiceProvider? services, out ITaskOrchestrator? orchestrator)
    {
        orchestrator = _orchestrators.TryGetValue(name, out var factory) ? factory(services) : null;
        return orchestrator is not null;
    }

    internal bool TryCreateActivity(string name, IServiceProvider? services, out ITaskActivity? activity)
    {
        activity = _activities.TryGetValue(name, out var factory) ? factory(services) : null;
        return activity is not null;
    }

    private static T Create<T>(IServiceProvider? services)
        where T : class =>
        services is null ? Activator.CreateInstance<T>() : ActivatorUtilities.CreateInstance<T>(services);

    private static string NameOf(Type type) => type.GetCustomAttribute<DurableTaskAttribute>()?.Name ?? type.Name;

    private sealed class FuncOrchestrator<TInput, TOutput>(Func<TaskOrchestrationContext, TInput, Task<TOutput>> implementation)
        : TaskOrchestrator<TInput, TOutput>
    {
        public override Task<TOutput> RunAsync(TaskOrchestrationContext context, TInput input) => implementation(context, input);
    }

    private sealed class FuncActivity<TInput, TOutput>(Func<TaskActivityContext, TInput, Task<TOutput>> implementation)
        : TaskActivity<TInput, TOutput>
    {
        public override Task<TOutput> RunAsync(TaskActivityContext context, TInput input) => implementation(context, input);
    }
}
