-- insight_runs also records the warehouse load now (lib/warehouse/carry_forward.py): what a
-- computation that writes warehouse tables last depended on, the state of the tables it wrote, the
-- run and its check results. A computation whose state is unchanged carries its result forward.
ALTER TABLE fitness.insight_runs RENAME TO computation_runs;
ALTER TABLE fitness.computation_runs RENAME COLUMN asset TO computation;
