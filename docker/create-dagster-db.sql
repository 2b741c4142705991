-- Dagster's run/event/schedule storage lives in its own database beside `fitness`.
CREATE DATABASE dagster OWNER fitness;
