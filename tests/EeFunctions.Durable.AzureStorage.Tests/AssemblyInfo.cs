// One test class at a time: the multi-process and outage tests load both cores, and timing-sensitive recovery (leases,
// visibility) must not compete with the scenario suite for them.
[assembly: CollectionBehavior(DisableTestParallelization = true)]
