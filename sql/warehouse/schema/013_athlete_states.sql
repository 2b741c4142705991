-- A computation whose results are athlete by athlete (the insights) also records what every athlete
-- shares (shared_state: settings, code, tables no athlete owns) and each athlete's own input state
-- (athlete_states: {athlete: digest}), so that the next run computes again only the athletes whose
-- rows changed (lib/warehouse/carry_forward.py). NULL: not recorded; everyone is computed again.
ALTER TABLE fitness.computation_runs ADD COLUMN shared_state text, ADD COLUMN athlete_states jsonb;
