namespace AbuseDetector.Cli;

internal static class Usage
{
    public const string Text = """
        abuse-detector: detect swearing, insults, threats and hate in call transcripts.

        Commands:
          train --data <shared data folder> --out <model path> [--call-data <jsonl>] [--seed N] [--name NAME]
              Trains a model from the public data sets and our call-domain data (default: data/call-domain-train.jsonl
              beside the output model) and writes it atomically.
          eval --set <olid-a|olid-b|olid-c|convabuse|davidson|toxic-spans|jigsaw|ethos|gab-hate> --data <folder> [--model M] [--json]
              Scores the model on a set's official test split.
          eval --jsonl <file> [--model M] [--json]
              Scores the model on lines {"text": ..., "labels": {"swearing": 0|1, "insult": 0|1, "threat": 0|1}}.
          classify [--model M] [--json] ["text"]
              Scores one text, or each line of standard input when no text is given.

        The model defaults to models/default.model (or ABUSE_DETECTOR_MODEL). Exit codes: 0 success, 1 failure, 2 bad usage.

        """;
}
