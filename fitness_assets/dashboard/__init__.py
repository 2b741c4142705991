"""The Streamlit dashboard (`fitness dashboard`): app.py is the entry point, pages/ one file per page.

It reads through fitness_assets.lib.dashboard only; `fitness dashboard` passes the resolved
database URL and the report folder in FITNESS_DASHBOARD_DATABASE_URL / FITNESS_DASHBOARD_REPORT_DIR.
"""
