// One chromium, one service and one redis-server per test class are plenty for a 2-core machine: classes run one after another.
[assembly: CollectionBehavior(DisableTestParallelization = true)]
