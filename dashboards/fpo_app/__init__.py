"""The FPO managers' Streamlit app: `hasiru fpo-app` (streamlit run dashboards/fpo_app/app.py)."""
