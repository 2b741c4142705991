-- What each insight asset's last computation depended on (lib/insights/carry_forward.py): a digest
-- of its input tables' row counts and newest row versions, its settings and the insight code, a
-- digest of its output tables after the write, the run that computed them and that run's check
-- results. An asset whose state is unchanged carries its tables and check results forward.
CREATE TABLE fitness.insight_runs (
    asset         text PRIMARY KEY,
    input_state   text NOT NULL,
    output_state  text NOT NULL,
    run_id        text NOT NULL,
    checks        jsonb NOT NULL
);
