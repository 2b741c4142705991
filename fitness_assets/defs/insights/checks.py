"""insights' checks: labels the pace contradicts, and weeks whose logged types disagree with the labels."""

import dagster as dg

from fitness_assets.defs.quality.checks import check_specs, selected_results
from fitness_assets.defs.resources import ClassifierResource, WarehouseResource
from fitness_assets.lib.insights import rules
from fitness_assets.lib.insights.store import read_labelled_activities
from fitness_assets.lib.quality.core import finding

ASSET = "activity_classification"


@dg.multi_asset_check(specs=check_specs(ASSET), can_subset=True)
def activity_classification_checks(context: dg.AssetCheckExecutionContext, warehouse: WarehouseResource,
                                   classifier: ClassifierResource):
    with warehouse.engine.connect() as conn:
        labelled = read_labelled_activities(conn)
    yield from selected_results(context, {(ASSET, "pace_plausible_for_label"): lambda: implausible_labels(labelled, classifier),
                                          (ASSET, "logged_type_agrees"): lambda: disagreeing_weeks(labelled)})


def implausible_labels(labelled, classifier: ClassifierResource):
    implausible = rules.implausible_paces(labelled, classifier)
    return (finding(implausible, len(labelled), key_columns=("row_id", "label")),
            f"{len(implausible):,} label(s) contradict their pace: label them in the corrections "
            "file (activity_labels) or adjust the classifier's thresholds" if len(implausible) else "")


def disagreeing_weeks(labelled):
    weeks = rules.disagreeing_weeks(labelled)
    return (finding(weeks, len(labelled), key_columns=("athlete", "week"),
                    activities_disagreeing=int(weeks["disagreeing"].sum()) if len(weeks) else 0),
            f"{len(weeks):,} week(s) where most runs and walks were logged as the other kind" if len(weeks) else "")


INSIGHTS_CHECKS = [activity_classification_checks]
