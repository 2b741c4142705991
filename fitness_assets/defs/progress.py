"""One call that reports progress to the Dagster event log and to the `fitness` CLI's terminal."""

from __future__ import annotations

import logging

import dagster as dg

terminal = logging.getLogger("fitness_assets.progress")


def report(context: dg.AssetExecutionContext, message: str) -> None:
    context.log.info(message)
    terminal.info(message)


def preview(frame, rows: int = 5) -> dg.MetadataValue:
    return dg.MetadataValue.md(frame.head(rows).to_markdown(index=False) if len(frame) else "_empty_")
