"""Weekly reports written from one payload: a deterministic template writer, an Amazon Bedrock
writer, the grounding check both must pass, and the charts beside each report."""
