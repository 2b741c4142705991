"""dashboard: what the Streamlit pages (fitness_assets/dashboard/) read, as DataFrames.

The most downstream layer: it reads the warehouse's insight tables and gold views and the
weekly reports on disk, through a read-only connection, and never computes an insight itself.
"""
