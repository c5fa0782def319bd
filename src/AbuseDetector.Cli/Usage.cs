namespace AbuseDetector.Cli;

internal static class Usage
{
    public const string Text = """
        abuse-detector: detect swearing, insults, threats and hate in call transcripts.

        Commands:
          train --data <shared data folder> --out <model path> [--call-data <jsonl>] [--call-validation <jsonl>] [--seed N] [--name NAME]
              Trains a model from the public data sets and our call-domain data (default: data/call-domain-train.jsonl
              beside the output model), choosing thresholds on call-domain-validation.jsonl beside the training data,
              and writes it atomically.
          eval --set <olid-a|olid-b|olid-c|convabuse|davidson|toxic-spans|jigsaw|ethos|gab-hate> --data <folder> [--model M] [--json]
              Scores the model on a set's official test split.
          eval --jsonl <file> [--model M] [--json]
              Scores the model on lines {"text": ..., "labels": {"swearing": 0|1, "insult": 0|1, "threat": 0|1}}.
          classify [--model M] [--json] ["text"]
              Scores one text, or each line of standard input when no text is given.
          replay <call.jsonl> [--speed 1|10|max] [--call-id ID] [--json]
              Streams a recorded call (samples/*.jsonl) to the service and prints each update as it comes.
          watch --tenant T (--team X | --agent Y) [--since HISTORY_ID] [--json]
              Prints alerts live; with --since, the team's or agent's missed alerts first (0: the whole history kept).
          incidents list --tenant T [--team X] [--agent Y] [--customer Z] [--from TIME] [--to TIME] [--limit N] [--json]
          incidents show --tenant T <call id> [--json]
              The incident notes the service keeps for calls that reached final_warning or ended after abuse.

        replay, watch and incidents talk to the service at --server (default http://127.0.0.1:50051, or ABUSE_DETECTOR_SERVER)
        with --api-key (or ABUSE_DETECTOR_API_KEY) when the service has tenants configured.

        The model defaults to models/default.model (or ABUSE_DETECTOR_MODEL). Exit codes: 0 success, 1 failure (one sentence on
        standard error), 2 bad usage, 130 interrupted.

        """;
}
