// Lets WebApplicationFactory<Program> find the entry point in tests.
#pragma warning disable CA1515 // The test host needs a public Program type.
public partial class Program;
#pragma warning restore CA1515
