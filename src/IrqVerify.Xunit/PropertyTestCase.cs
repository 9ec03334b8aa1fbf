using System.ComponentModel;
using System.Reflection;
using IrqVerify.Testing;
using Xunit.Abstractions;
using Xunit.Sdk;

namespace IrqVerify.Xunit;

/// <summary>
/// Runs a [Property] method: posts the xunit messages itself, builds the test class with xunit's
/// own constructor logic (fixtures, ITestOutputHelper, IAsyncLifetime), replays the pinned
/// regression programs first (for a Scenario parameter), then runs FsCheck through
/// <see cref="PropertyRunner"/> and reports pass/fail with the output helper's text.
/// </summary>
public sealed class PropertyTestCase : XunitTestCase
{
    [EditorBrowsable(EditorBrowsableState.Never)]
    [Obsolete("Called by the de-serializer; should only be called by deriving classes for de-serialization purposes")]
    public PropertyTestCase() { }

    public PropertyTestCase(IMessageSink diagnosticMessageSink, TestMethodDisplay defaultMethodDisplay,
        TestMethodDisplayOptions defaultMethodDisplayOptions, ITestMethod testMethod)
        : base(diagnosticMessageSink, defaultMethodDisplay, defaultMethodDisplayOptions, testMethod) { }

    public override Task<RunSummary> RunAsync(IMessageSink diagnosticMessageSink, IMessageBus messageBus, object[] constructorArguments,
        ExceptionAggregator aggregator, CancellationTokenSource cancellationTokenSource) =>
        Task.Run(() => RunProperty(messageBus, constructorArguments, cancellationTokenSource));

    private async Task<RunSummary> RunProperty(IMessageBus bus, object[] ctorArgs, CancellationTokenSource cts)
    {
        var test = new XunitTest(this, DisplayName);
        var summary = new RunSummary { Total = 1 };
        void Post(IMessageSinkMessage msg) { if (!bus.QueueMessage(msg)) cts.Cancel(); }

        Post(new TestCaseStarting(this));
        Post(new TestStarting(test));
        if (!string.IsNullOrEmpty(SkipReason))
        {
            summary.Skipped = 1;
            Post(new TestSkipped(test, SkipReason));
            Post(new TestFinished(test, 0, ""));
            Post(new TestCaseFinished(this, 0, 1, 0, 1));
            return summary;
        }

        var args = (object[])ctorArgs.Clone();
        TestOutputHelper? helper = null;
        for (int i = 0; i < args.Length; i++)
        {
            if (args[i] is TestOutputHelper h) helper = h;
            else if (args[i] is Func<TestOutputHelper> f) { helper = f(); args[i] = helper; }
        }
        helper ??= new TestOutputHelper();
        helper.Initialize(bus, test);

        var timer = new ExecutionTimer();
        Exception? failure = null;
        object? instance = null;
        try
        {
            var method = TestMethod.Method.ToRuntimeMethod();
            var settings = PropertySettings.For(method);
            if (!method.IsStatic)
            {
                instance = test.CreateTestClass(TestMethod.TestClass.Class.ToRuntimeType(), args, bus, timer, cts);
                if (instance is global::Xunit.IAsyncLifetime life) await timer.AggregateAsync(life.InitializeAsync);
            }
            string name = $"{method.DeclaringType!.Name}.{method.Name}";
            timer.Aggregate(() =>
            {
                if (settings.Regressions && ScenarioParameter(method)) ReplayRegressions(method, instance, helper, name);
                var outcome = PropertyRunner.CheckMethod(method, instance, settings, helper.WriteLine, name);
                if (!outcome.Passed) throw new PropertyFailedException(outcome);
            });
        }
        catch (Exception e)
        {
            failure = e is TargetInvocationException { InnerException: { } inner } ? inner : e;
        }
        finally
        {
            try
            {
                if (instance is global::Xunit.IAsyncLifetime life) await life.DisposeAsync();
                if (instance is IAsyncDisposable ad) await ad.DisposeAsync();
                else if (instance is IDisposable d) d.Dispose();
            }
            catch (Exception e) { failure ??= e; }
        }

        string output = helper.Output;
        helper.Uninitialize();
        if (failure is null) Post(new TestPassed(test, timer.Total, output));
        else
        {
            summary.Failed = 1;
            Post(new TestFailed(test, timer.Total, output, failure));
        }
        summary.Time = timer.Total;
        Post(new TestFinished(test, timer.Total, output));
        Post(new TestCaseFinished(this, timer.Total, 1, summary.Failed, 0));
        return summary;
    }

    private static bool ScenarioParameter(MethodInfo m) =>
        m.GetParameters() is [{ } p] && p.ParameterType == typeof(Scenario);

    /// <summary>Pinned programs expected to run clean go through the property before any generated case.</summary>
    private static void ReplayRegressions(MethodInfo method, object? instance, TestOutputHelper log, string name)
    {
        var pinned = RegressionCorpus.Load().Where(c => c.ExpectsClean).ToList();
        foreach (var c in pinned)
        {
            try
            {
                var r = method.Invoke(instance, [c.Scenario]);
                if (r is false) throw new InvalidOperationException("the property returned false");
                if (r is FsCheck.Property prop) FsCheck.Check.One(FsCheck.Config.QuickThrowOnFailure.WithMaxTest(1).WithQuietOnSuccess(true), prop);
            }
            catch (Exception e)
            {
                var inner = e is TargetInvocationException { InnerException: { } i } ? i : e;
                throw new PropertyFailedException(
                    $"{name}: pinned regression {c.Path} fails\n{c.Scenario}\nReplay: {ScenarioFiles.RegressReplayCommand(c.Path)}\nFailure: {inner.Message}", inner);
            }
        }
        if (pinned.Count > 0) log.WriteLine($"{name}: {pinned.Count} pinned regression program(s) replayed first, all pass.");
    }
}

/// <summary>A falsified property: the message holds the shrunk counterexample, seed and replay lines.</summary>
public sealed class PropertyFailedException : Exception
{
    public PropertyOutcome? Outcome { get; }

    public PropertyFailedException(PropertyOutcome outcome) : base(outcome.Message, outcome.Error) => Outcome = outcome;

    public PropertyFailedException(string message, Exception? inner) : base(message, inner) { }
}
